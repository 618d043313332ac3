using System.Text;

namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>
/// SST-2, binary sentiment (Socher et al. 2013) in SentEval's copy: sentiment-train (67,349 phrases),
/// sentiment-dev, sentiment-test, each line "sentence TAB label" with label 0 or 1. Dev chooses C.
/// </summary>
public static class Sst2Task
{
    public const string Name = "SST2";

    /// <param name="folder">The folder holding sentiment-train, sentiment-dev and sentiment-test (senteval/SST/binary).</param>
    public static SentEvalTaskData Read(string folder) => new(Name, SentEvalProtocol.TrainDevTest, new[] { "negative", "positive" },
        ReadFile(Path.Combine(folder, "sentiment-train")), ReadFile(Path.Combine(folder, "sentiment-dev")),
        ReadFile(Path.Combine(folder, "sentiment-test")));

    /// <summary>One split; a line without a tab or with a label other than 0/1 fails with file:line.</summary>
    public static List<SentEvalExample> ReadFile(string path)
    {
        var rows = new List<SentEvalExample>();
        foreach (var (n, raw) in DataFileLines.Read(path, Encoding.UTF8))
        {
            var fields = SentEvalText.Strip(raw).Split('\t');
            if (fields.Length < 2)
                throw new InvalidDataException($"{path}:{n}: expected 'sentence<TAB>label', found no tab.");
            int label = fields[1] switch
            {
                "0" => 0,
                "1" => 1,
                _ => throw new InvalidDataException($"{path}:{n}: label '{fields[1]}' must be 0 or 1."),
            };
            rows.Add(new SentEvalExample(SentEvalText.JoinTokens(fields[0]), label));
        }
        return DataFileLines.NotEmpty(rows, path, "'sentence<TAB>label' lines");
    }
}
