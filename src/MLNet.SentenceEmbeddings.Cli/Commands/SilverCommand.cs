using System.CommandLine;
using System.Globalization;
using System.Text;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Embedding;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// <c>sbert silver</c>: Augmented SBERT's silver data from a pool of sentences (pairs drawn by the --model bi-encoder,
/// labelled by a --cross-encoder or by the bi-encoder's cosine), written as the tsv that <c>sbert train --format tsv</c> reads.
/// </summary>
public static class SilverCommand
{
    private static readonly Option<string> Input = new("--input") { Description = "the sentences (.txt, .tsv, .csv, .jsonl, .parquet; see --column, --field); repeats count once", Required = true };
    private static readonly Option<string> Output = new("--output") { Description = "the tsv to write: sentence1 TAB sentence2 TAB score in [0, 1], no header (written whole or not at all)", Required = true };
    private static readonly Option<string?> Teacher = new("--cross-encoder") { Description = "a cross-encoder folder that scores the pairs (Augmented SBERT); without it, the --model's cosine clipped to [0, 1]" };
    private static readonly Option<int> Neighbours = CliOptions.Int("--neighbours", "each sentence's most similar others under --model paired with it", 3, min: 0);
    private static readonly Option<int> Random = CliOptions.Int("--random", "random others paired with each sentence (mostly dissimilar pairs, so the labels span the scale)", 1, min: 0);
    private static readonly Option<int> Seed = CliOptions.Int("--seed", "seed of the random partners", 42, min: 0);
    private static readonly Option<string[]?> Exclude = CliOptions.List("--exclude",
        "comma-separated pairs files (stsb, sick or tsv, guessed from each name) whose pairs are never written, in either order: the gold training pairs, and the dev and test pairs so that no evaluation pair is trained on");
    private static readonly CorpusOptionSet CorpusOptions = new();
    private static readonly EncoderOptionSet Encoder = new();

    public static Command Create() => Encoder.AddTo(CorpusOptions.AddTo(new Command("silver",
        "Augmented SBERT's silver pairs: each sentence of --input with its nearest others and a random one, labelled by a --cross-encoder, as a tsv for 'sbert train'")
    {
        Input, Output, Teacher, Neighbours, Random, Seed, Exclude,
    })).SetRun((r, ct) => Run(r, ct, Console.Error));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter log)
    {
        string input = args.GetValue(Input)!, output = args.GetValue(Output)!;
        CorpusOptionSet.Check(input, "--input");
        int neighbours = args.GetValue(Neighbours), random = args.GetValue(Random);
        if (neighbours + random == 0) throw new UsageException("--neighbours 0 and --random 0 draw no pair; give one of them a count above 0.");
        var sentences = CorpusTexts.ReadAll(input, CorpusOptions.Bind(args), cancellationToken)
            .Select((s, row) => s ?? throw new InvalidDataException($"{input}: row {row} has no text.")).ToList();
        var exclude = (args.GetList(Exclude) ?? [])
            .SelectMany(file => TrainingData.Examples(file, TrainingData.GuessFormat(file), TrainingObjective.CoSent).Examples)
            .Select(e => (e.Texts[0]!, e.Texts[1]!)).ToList();
        var (model, options) = Encoder.Bind(args);
        List<TrainingExample> silver;
        using (var sampler = Models.LoadEncoder(model, options))
        {
            var pairs = SilverPairs.Sample(sampler, sentences, neighbours, random, args.GetValue(Seed), exclude, cancellationToken);
            log.WriteLine($"sbert silver: {pairs.Count:N0} pairs from {sentences.Distinct(StringComparer.Ordinal).Count():N0} distinct sentences of {input}");
            if (args.GetValue(Teacher) is string teacherFolder)
            {
                using var teacher = Models.LoadCrossEncoder(teacherFolder, options);
                if (teacher.NumLabels != 1)
                    throw new UsageException($"--cross-encoder {teacherFolder} has {teacher.NumLabels} labels; a silver score needs a one-label (similarity) cross-encoder.");
                silver = SilverPairs.Label(pairs, p => teacher.Predict(p, cancellationToken));
            }
            else silver = SilverPairs.Label(pairs, p => SilverPairs.CosineLabels(sampler, p, cancellationToken));
        }
        var tsv = new StringBuilder();
        foreach (var e in silver)
            tsv.Append(CultureInfo.InvariantCulture, $"{OneField(e.Texts[0]!)}\t{OneField(e.Texts[1]!)}\t{e.Label:R}\n");
        AtomicFile.WriteAllText(output, tsv.ToString());
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sbert silver: wrote {silver.Count:N0} pairs to {output} (mean score {(silver.Count == 0 ? 0 : silver.Average(e => e.Label)):F3})"));
        return 0;
    }

    /// <summary>A tab or line break inside a sentence would split the tsv line; the tokenizer reads any whitespace as a space anyway.</summary>
    private static string OneField(string sentence) => sentence.IndexOfAny(['\t', '\r', '\n']) < 0 ? sentence : string.Join(' ', sentence.Split(['\t', '\r', '\n']));
}
