using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>Turns a data file of a known format into training examples for an objective, and a dev file into an evaluator.</summary>
public static class TrainingData
{
    public const string Formats = "stsb | sick | snli (the s1.SPLIT file of SentEval's layout) | mrpc | tsv";
    private static readonly string[] NliLabels = { "entailment", "neutral", "contradiction" };

    public static string GuessFormat(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        return name.StartsWith("sts-") ? "stsb" : name.StartsWith("sick_") ? "sick" : name.StartsWith("s1.") ? "snli"
             : name.StartsWith("msr_paraphrase") ? "mrpc" : "tsv";
    }

    /// <summary>The examples and, for softmax, the number of classes.</summary>
    public static (List<TrainingExample> Examples, int NumLabels) Examples(string path, string format, TrainingObjective objective)
    {
        bool scored = objective is TrainingObjective.Regression or TrainingObjective.CoSent or TrainingObjective.Angle;
        switch (format)
        {
            case "stsb" when scored:
                return (StsBenchmarkReader.Read(path).Select(p => Scored(p, 0, StsBenchmarkReader.MaxScore, objective)).ToList(), 0);
            case "sick" when scored:
                return (SickReader.Read(path).Select(r => Scored(r.Relatedness, SickReader.MinScore, SickReader.MaxScore, objective)).ToList(), 0);
            case "sick" when objective == TrainingObjective.Softmax:
                return (SickReader.Read(path).Select(r => Classified(r.Entailment, NliLabels, path)).ToList(), 3);
            case "snli" when objective == TrainingObjective.Softmax:
                return (SnliReader.Read(path).Select(p => Classified(p, NliLabels, path)).ToList(), 3);
            case "snli" when objective is TrainingObjective.Triplet or TrainingObjective.Mnrl:
                return (SnliReader.Triplets(SnliReader.Read(path)).Select(t => TrainingExample.Triplet(t.Anchor, t.Positive, t.Negative)).ToList(), 0);
            case "mrpc" when objective == TrainingObjective.Softmax:
                return (MrpcReader.Read(path).Select(p => Classified(p, new[] { "0", "1" }, path)).ToList(), 2);
            case "tsv":
                return (Tsv(path, objective, out int labels), labels);
            default:
                throw new UsageException($"--format {format} has no data for the {objective.ToString().ToLowerInvariant()} objective " +
                    "(stsb/sick: regression, cosent, angle; sick/snli/mrpc: softmax; snli: triplet, mnrl; tsv: any).");
        }
    }

    /// <summary>An evaluator for a dev file: STS correlation where it has scores, triplet accuracy for SNLI; null otherwise.</summary>
    public static ISentenceEvaluator? Evaluator(string path, string format) => format switch
    {
        "stsb" => new EmbeddingSimilarityEvaluator(StsBenchmarkReader.Read(path)),
        "sick" => new EmbeddingSimilarityEvaluator(SickReader.Read(path).Select(r => r.Relatedness).ToList()),
        "snli" => new TripletEvaluator(SnliReader.Triplets(SnliReader.Read(path))),
        _ => null,
    };

    private static TrainingExample Scored(SentencePair p, double min, double max, TrainingObjective objective) =>
        // The regression objective compares cosine with the score scaled to [0, 1] (SBERT Section 3); CoSENT and AnglE only rank.
        TrainingExample.Pair(p.Sentence1, p.Sentence2, objective == TrainingObjective.Regression ? CosineSimilarityLoss.ScaleScore(p.Score, min, max) : p.Score);

    private static TrainingExample Classified(LabeledPair p, string[] labels, string path)
    {
        int index = Array.IndexOf(labels, p.Label);
        if (index < 0) throw new InvalidDataException($"{path}: label '{p.Label}' is not one of {string.Join(", ", labels)}.");
        return TrainingExample.Pair(p.Sentence1, p.Sentence2, index);
    }

    private static List<TrainingExample> Tsv(string path, TrainingObjective objective, out int numLabels)
    {
        numLabels = 0;
        if (objective is TrainingObjective.Triplet)
            return TsvReader.Read(path, 3).Select(r => TrainingExample.Triplet(r.Fields[0], r.Fields[1], r.Fields[2])).ToList();
        if (objective is TrainingObjective.Mnrl)
            return TsvReader.Read(path, 2).Select(r => TrainingExample.Pair(r.Fields[0], r.Fields[1], 0)).ToList();
        if (objective == TrainingObjective.Softmax)
        {
            // Class indices, checked with file and line by the reader.
            var (labeled, classes) = TsvReader.ReadLabeled(path);
            numLabels = classes;
            return labeled.Select(p => TrainingExample.Pair(p.Sentence1, p.Sentence2, p.Score)).ToList();
        }
        // Regression compares cosine with a score in [0, 1] (a 0-5 file fails naming its line); CoSENT and AnglE only rank.
        var scored = objective == TrainingObjective.Regression
            ? TsvReader.ReadScored(path)
            : TsvReader.ReadScored(path, double.MinValue, double.MaxValue);
        return scored.Select(p => TrainingExample.Pair(p.Sentence1, p.Sentence2, p.Score)).ToList();
    }
}
