using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Embedding;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert similarity</c>: the bi-encoder similarity of two sentences, or of each pair in a file.</summary>
public static class SimilarityCommand
{
    private static readonly Argument<string[]> Sentences = new("sentences") { Description = "two sentences to compare (or use --pairs)", Arity = new ArgumentArity(0, 2) };
    private static readonly PairOptions PairFile = new();
    private static readonly Option<SimilarityFunction> Similarity = CliOptions.Parsed("--similarity", "how the two vectors are compared",
        t => SimilarityFunctions.Parse(t), ["cosine", "dot", "euclidean", "manhattan"], SimilarityFunction.Cosine);
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<bool> Json = new("--json") { Description = "print one JSON object per pair (JSON lines) instead of text" };

    public static Command Create()
    {
        var command = new Command("similarity", "similarity of two sentences' vectors (cosine by default), or of each pair in a --pairs file")
        {
            Sentences, Similarity, Json,
        };
        command.Validators.Add(r =>
        {
            int n = r.GetValue(Sentences)?.Length ?? 0;
            bool file = r.GetValue(PairFile.Pairs) is not null;
            if (file ? n != 0 : n != 2) r.AddError("give two sentences, or --pairs FILE (not both).");
        });
        return Encoder.AddTo(PairFile.AddTo(command)).SetRun((r, ct) => Run(r, ct, Console.Out));
    }

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output)
    {
        var (model, options) = Encoder.Bind(args);
        var function = args.GetValue(Similarity);
        bool json = args.GetValue(Json);
        var sentences = args.GetValue(Sentences) ?? [];
        var pairs = sentences.Length == 2 ? new[] { (0L, sentences[0], sentences[1]) } : PairFile.Read(args, cancellationToken);
        using var encoder = Models.LoadEncoder(model, options);
        foreach (var window in PairOptions.Windows(pairs, CorpusEmbedder.DefaultWindow))
        {
            var a = encoder.Encode(window.Select(p => (string?)p.First).ToList(), cancellationToken);
            var b = encoder.Encode(window.Select(p => (string?)p.Second).ToList(), cancellationToken);
            for (int i = 0; i < window.Count; i++)
            {
                double score = SimilarityFunctions.Score(function, a[i], b[i]);
                var (row, first, second) = window[i];
                output.WriteLine(json
                    ? new JsonObject { ["row"] = row, ["score"] = Math.Round(score, 6), ["first"] = first, ["second"] = second }.ToJsonString()
                    : sentences.Length == 2 ? score.ToString("F4", CultureInfo.InvariantCulture)
                    : string.Create(CultureInfo.InvariantCulture, $"{score:F4}\t{first}\t{second}"));
            }
        }
        return 0;
    }
}
