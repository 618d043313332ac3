using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>A JSON Lines corpus: one object per non-blank line; the text is a top-level string field.</summary>
internal static class JsonLinesCorpus
{
    public static IEnumerable<CorpusRow> Read(string path, string field, CancellationToken cancellationToken)
    {
        using var reader = TextLineCorpus.OpenText(path);
        long index = 0;
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if ((lineNumber & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return new CorpusRow(index++, Text(path, lineNumber, line, field));
        }
    }

    private static string Text(string path, int line, string json, string field)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}, line {line}: expected a JSON object, got {doc.RootElement.ValueKind}.");
            if (!doc.RootElement.TryGetProperty(field, out var value))
                throw new InvalidDataException($"{path}, line {line}: no field '{field}' (use --field to name the text field).");
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Null => "",
                _ => throw new InvalidDataException($"{path}, line {line}: field '{field}' is {value.ValueKind}, expected a string."),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}, line {line}: not valid JSON ({e.Message})", e);
        }
    }
}
