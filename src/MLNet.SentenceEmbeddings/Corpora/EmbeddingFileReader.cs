using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MLNet.SentenceEmbeddings.Search;
using Parquet;
using Parquet.Schema;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// Reads an embedding file written by <see cref="EmbeddingWriter"/> (or by numpy, safetensors or a Parquet writer
/// with the same layout) back into memory, e.g. to search a corpus embedded earlier. Headers are checked against the
/// file's length before anything is allocated; errors name the file and what was expected.
/// </summary>
public static class EmbeddingFileReader
{
    /// <summary>The rows of <paramref name="path"/> as one matrix, in file order.</summary>
    /// <exception cref="InvalidDataException">A malformed or inconsistent file; the message names it.</exception>
    public static EmbeddingMatrix Read(string path, EmbeddingFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such embedding file.", path);
        return (format ?? EmbeddingFormats.FromPath(path)) switch
        {
            EmbeddingFormat.Npy => ReadNpy(path),
            EmbeddingFormat.SafeTensors => ReadSafeTensors(path),
            EmbeddingFormat.Tsv => ReadTsv(path),
            EmbeddingFormat.Parquet => ReadParquet(path),
            var f => throw new ArgumentOutOfRangeException(nameof(format), f, null),
        };
    }

    private static float[] Allocate(string path, long rows, long dimension)
    {
        if (rows < 0 || dimension < 1 || rows * dimension > Array.MaxLength)
            throw new InvalidDataException($"{path}: shape ({rows}, {dimension}) cannot be held in one array; expected at most {Array.MaxLength:N0} floats.");
        return new float[rows * dimension];
    }

    private static void ReadFloats(Stream stream, float[] data, string path)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
        stream.ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
    }

    private static EmbeddingMatrix ReadNpy(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[12];
        if (stream.Read(prefix[..10]) < 10 || !prefix[..6].SequenceEqual(NpyEmbeddingWriter.Magic))
            throw new InvalidDataException($"{path}: not a .npy file (no \\x93NUMPY magic).");
        int major = prefix[6];
        long headerLength;
        if (major == 1) headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
        else if (major is 2 or 3)
        {
            stream.ReadExactly(prefix[10..12]);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
        }
        else throw new InvalidDataException($"{path}: .npy format version {major}.{prefix[7]}; expected 1.x, 2.x or 3.x.");
        if (headerLength > stream.Length - stream.Position) throw new InvalidDataException($"{path}: .npy header of {headerLength} bytes runs past the end of the file.");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        string text = Encoding.Latin1.GetString(header);
        var descr = Regex.Match(text, @"'descr'\s*:\s*'([^']*)'");
        var fortran = Regex.Match(text, @"'fortran_order'\s*:\s*(True|False)");
        var shape = Regex.Match(text, @"'shape'\s*:\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\)");
        if (!descr.Success || descr.Groups[1].Value is not ("<f4" or "=f4") )
            throw new InvalidDataException($"{path}: .npy dtype '{(descr.Success ? descr.Groups[1].Value : "?")}'; expected little-endian float32 ('<f4').");
        if (!fortran.Success || fortran.Groups[1].Value != "False") throw new InvalidDataException($"{path}: .npy in Fortran order; expected C order.");
        if (!shape.Success) throw new InvalidDataException($"{path}: .npy shape is not two-dimensional (rows, dimension): {text.Trim()}");
        long rows = long.Parse(shape.Groups[1].Value, CultureInfo.InvariantCulture), dim = long.Parse(shape.Groups[2].Value, CultureInfo.InvariantCulture);
        if (stream.Length - stream.Position != rows * dim * 4)
            throw new InvalidDataException($"{path}: shape ({rows}, {dim}) needs {rows * dim * 4} data bytes, the file has {stream.Length - stream.Position}.");
        var data = Allocate(path, rows, dim);
        ReadFloats(stream, data, path);
        return new EmbeddingMatrix(data, (int)dim);
    }

    private static EmbeddingMatrix ReadSafeTensors(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.Read(prefix) < 8) throw new InvalidDataException($"{path}: shorter than a safetensors header.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(stream.Length - 8) || headerLength > 100_000_000)
            throw new InvalidDataException($"{path}: safetensors header of {headerLength} bytes does not fit the file.");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        using var doc = JsonDocument.Parse(header);
        var tensors = doc.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        var tensor = tensors.FirstOrDefault(p => p.Name == SafeTensorsEmbeddingWriter.TensorName);
        if (tensor.Value.ValueKind == JsonValueKind.Undefined)
        {
            if (tensors.Count != 1) throw new InvalidDataException($"{path}: no tensor '{SafeTensorsEmbeddingWriter.TensorName}' and {tensors.Count} others; expected one 2-D F32 tensor.");
            tensor = tensors[0];
        }
        var t = tensor.Value;
        string dtype = t.GetProperty("dtype").GetString() ?? "";
        var shape = t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var offsets = t.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        if (dtype != "F32" || shape.Length != 2) throw new InvalidDataException($"{path}: tensor '{tensor.Name}' is {dtype} of rank {shape.Length}; expected F32 (rows, dimension).");
        long dataStart = 8 + (long)headerLength;
        if (offsets.Length != 2 || offsets[1] - offsets[0] != shape[0] * shape[1] * 4 || dataStart + offsets[1] > stream.Length)
            throw new InvalidDataException($"{path}: tensor '{tensor.Name}' offsets [{string.Join(", ", offsets)}] do not match shape ({shape[0]}, {shape[1]}) and the file's {stream.Length} bytes.");
        var data = Allocate(path, shape[0], shape[1]);
        stream.Position = dataStart + offsets[0];
        ReadFloats(stream, data, path);
        return new EmbeddingMatrix(data, (int)shape[1]);
    }

    private static EmbeddingMatrix ReadTsv(string path)
    {
        var rows = new List<float>();
        int dimension = -1, lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split('\t');
            if (dimension < 0) dimension = fields.Length;
            else if (fields.Length != dimension) throw new InvalidDataException($"{path}, line {lineNumber}: {fields.Length} values, expected {dimension} as on the first line.");
            foreach (var f in fields)
                rows.Add(float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v
                    : throw new InvalidDataException($"{path}, line {lineNumber}: '{f}' is not a number."));
        }
        if (dimension < 0) throw new InvalidDataException($"{path}: no rows.");
        return new EmbeddingMatrix(rows.ToArray(), dimension);
    }

    private static EmbeddingMatrix ReadParquet(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            var fields = reader.Schema.GetDataFields();
            var field = fields.FirstOrDefault(f => f.Path.ToString().StartsWith(ParquetEmbeddingWriter.EmbeddingColumn + "/", StringComparison.Ordinal) && f.ClrType == typeof(float))
                ?? fields.SingleOrDefault(f => f.ClrType == typeof(float) && f.MaxRepetitionLevel == 1)
                ?? throw new InvalidDataException($"{path}: no list<float> column '{ParquetEmbeddingWriter.EmbeddingColumn}'.");
            var values = new List<float>();
            long rows = 0;
            int dimension = -1;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                long count = group.GetMetadata(field)?.MetaData?.NumValues ?? throw new InvalidDataException($"{path}, row group {g}: no column metadata.");
                if (count > Array.MaxLength || count > stream.Length * 8) throw new InvalidDataException($"{path}, row group {g}: {count} values cannot be right for a {stream.Length}-byte file.");
                var v = new float[count];
                var definition = new int[count];
                var repetition = new int[count];
                group.ReadRawAsync<float>(field, v.AsMemory(), definition.AsMemory(), repetition.AsMemory()).AsTask().GetAwaiter().GetResult();
                if (definition.Any(d => d != field.MaxDefinitionLevel)) throw new InvalidDataException($"{path}, row group {g}: null embeddings or values; expected every row to hold a vector.");
                int start = 0;
                for (int i = 1; i <= v.Length; i++)
                {
                    if (i < v.Length && repetition[i] != 0) continue;
                    int length = i - start;
                    if (dimension < 0) dimension = length;
                    else if (length != dimension) throw new InvalidDataException($"{path}, row group {g}: a vector of {length} floats, expected {dimension}.");
                    rows++;
                    start = i;
                }
                if ((long)values.Count + v.Length > Array.MaxLength) throw new InvalidDataException($"{path}: more floats than one array can hold.");
                foreach (float f in v) values.Add(f);
            }
            if (dimension < 1) throw new InvalidDataException($"{path}: no rows.");
            return new EmbeddingMatrix(values.ToArray(), dimension);
        }
        finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }
}
