using System.Text;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// A .tsv (tab, no quoting: a field ends at the next tab or line end) or .csv (comma, RFC 4180: a field in double
/// quotes may hold commas, line breaks and doubled quotes) corpus, one record at a time.
/// </summary>
internal static class DelimitedCorpus
{
    public static IEnumerable<CorpusRow> Read(string path, char separator, bool quoted, CorpusReaderOptions options, CancellationToken cancellationToken)
    {
        using var reader = TextLineCorpus.OpenText(path);
        var records = new RecordReader(reader, path, separator, quoted);
        int column = options.ColumnIndex ?? 0;
        if (options.ReadsHeader)
        {
            var header = records.Next() ?? throw new InvalidDataException($"{path}: empty file; expected a header line naming column '{options.Column}'.");
            if (options.ColumnIndex is null && options.Column is not null)
            {
                column = header.IndexOf(options.Column);
                if (column < 0)
                    throw new InvalidDataException($"{path}: no column '{options.Column}' in the header; it has {string.Join(", ", header.Select(h => $"'{h}'"))}.");
            }
        }
        long index = 0;
        List<string>? fields;
        while ((fields = records.Next()) is not null)
        {
            if ((index & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            if (column >= fields.Count)
            {
                // A blank line of a one-column file is an empty text, as in a .txt.
                if (fields.Count == 1 && fields[0].Length == 0 && column == 0) { yield return new CorpusRow(index++, ""); continue; }
                throw new InvalidDataException($"{path}, line {records.RecordLine}: {fields.Count} field(s), expected column {column} " +
                    $"({(options.Column is null ? "the first" : $"'{options.Column}'")}, 0-based) to exist.");
            }
            yield return new CorpusRow(index++, fields[column]);
        }
    }

    /// <summary>Splits records; tracks the line where each starts (a quoted field may span lines).</summary>
    private sealed class RecordReader(TextReader reader, string path, char separator, bool quoted)
    {
        private readonly StringBuilder _field = new();
        private int _line;

        /// <summary>1-based line on which the last record returned by <see cref="Next"/> starts.</summary>
        public int RecordLine { get; private set; }

        public List<string>? Next()
        {
            int c = reader.Read();
            if (c < 0) return null;
            _line++;
            RecordLine = _line;
            var fields = new List<string>();
            _field.Clear();
            bool inQuotes = false, wasQuoted = false;
            while (true)
            {
                if (c < 0)
                {
                    if (inQuotes) throw new InvalidDataException($"{path}, line {RecordLine}: a quoted field is not closed before the end of the file.");
                    fields.Add(_field.ToString());
                    return fields;
                }
                char ch = (char)c;
                if (inQuotes)
                {
                    if (ch == '"')
                    {
                        if (reader.Peek() == '"') { reader.Read(); _field.Append('"'); }
                        else inQuotes = false;
                    }
                    else
                    {
                        if (ch == '\n') _line++;
                        _field.Append(ch);
                    }
                }
                else if (ch == separator)
                {
                    fields.Add(_field.ToString());
                    _field.Clear();
                    wasQuoted = false;
                }
                else if (ch == '\r' || ch == '\n')
                {
                    if (ch == '\r' && reader.Peek() == '\n') reader.Read();
                    fields.Add(_field.ToString());
                    return fields;
                }
                else if (quoted && ch == '"' && _field.Length == 0 && !wasQuoted)
                {
                    inQuotes = true;
                    wasQuoted = true;
                }
                else if (quoted && wasQuoted)
                {
                    throw new InvalidDataException($"{path}, line {_line}: '{ch}' after a closing quote; RFC 4180 expects a separator or the end of the line.");
                }
                else _field.Append(ch);
                c = reader.Read();
            }
        }
    }
}
