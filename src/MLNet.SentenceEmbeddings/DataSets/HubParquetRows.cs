using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace MLNet.SentenceEmbeddings.DataSets;

/// <summary>The rows of one split of a Hub Parquet conversion (<c>default/SPLIT/*.parquet</c>, in file-name order).</summary>
internal static class HubParquetRows
{
    public static List<T> Read<T>(string snapshot, string split) where T : class, new()
    {
        string folder = Path.Combine(snapshot, "default", split);
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.parquet").Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0) throw new InvalidDataException($"{folder}: no .parquet file; expected the Hub's conversion of split '{split}'.");
        var rows = new List<T>();
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            try { rows.AddRange(ParquetSerializer.DeserializeAsync<T>(stream).GetAwaiter().GetResult().Data); }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidDataException($"{file}: not the Parquet table expected ({typeof(T).Name}: {e.Message})", e);
            }
        }
        return rows;
    }
}

/// <summary>A row of mteb/stsbenchmark-sts.</summary>
internal sealed class StsRow
{
    [JsonPropertyName("genre")] public string? Genre { get; set; }
    [JsonPropertyName("dataset")] public string? Dataset { get; set; }
    [JsonPropertyName("year")] public string? Year { get; set; }
    [JsonPropertyName("sid")] public string? Sid { get; set; }
    [JsonPropertyName("score")] public double? Score { get; set; }
    [JsonPropertyName("sentence1")] public string? Sentence1 { get; set; }
    [JsonPropertyName("sentence2")] public string? Sentence2 { get; set; }
}

/// <summary>A row of a text classification set (rotten_tomatoes: text, label 0 = neg, 1 = pos).</summary>
internal sealed class TextLabelRow
{
    [JsonPropertyName("text")] public string? Text { get; set; }
    [JsonPropertyName("label")] public long? Label { get; set; }
}
