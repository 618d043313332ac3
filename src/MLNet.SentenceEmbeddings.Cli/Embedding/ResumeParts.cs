using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Corpora;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Cli.Embedding;

/// <summary>
/// <c>sbert embed --resume</c>: the output is built in <c>OUTPUT.parts/</c>, one .npy part per read-ahead window
/// (<c>part-000123.npy</c> holds window 123, i.e. rows 123 x window and on), each written to a temporary file and
/// renamed, plus <c>manifest.json</c> naming the input (path, size, modification time), the model, the options and the
/// rows done. A run killed at any moment leaves whole parts only; the same command finds them, checks the manifest,
/// encodes the missing windows, then streams the parts into the output (itself written to a temporary file and
/// renamed) and removes the folder. Float32 parts carry the vectors exactly, so the result equals a run without
/// interruption byte for byte.
/// </summary>
public sealed class ResumeParts
{
    public const string ManifestFile = "manifest.json";
    private readonly EmbedSettings _settings;
    private readonly JsonObject _manifest;
    private readonly int _dimension;
    private long _rowsDone;

    private ResumeParts(EmbedSettings settings, string folder, JsonObject manifest, int dimension)
    {
        _settings = settings;
        Folder = folder;
        _manifest = manifest;
        _dimension = dimension;
    }

    /// <summary>The parts folder: the output path plus ".parts".</summary>
    public string Folder { get; }

    public static string FolderFor(string output) => Path.GetFullPath(output) + ".parts";

    public static string PartName(long window) => string.Create(CultureInfo.InvariantCulture, $"part-{window:D6}.npy");

    /// <summary>Opens (or starts) the parts folder of <paramref name="s"/>; a manifest written for other inputs or options is an error.</summary>
    public static ResumeParts Open(EmbedSettings s, long totalRows, int dimension, TextWriter log)
    {
        string folder = FolderFor(s.Output);
        var manifest = Manifest(s, totalRows, dimension);
        string path = Path.Combine(folder, ManifestFile);
        if (File.Exists(path))
        {
            var earlier = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path}: empty manifest.");
            foreach (var (key, value) in manifest)
            {
                string was = earlier.TryGetPropertyValue(key, out var node) ? node?.ToJsonString() ?? "null" : "(missing)";
                string now = value?.ToJsonString() ?? "null";
                if (was != now)
                    throw new InvalidOperationException($"{path}: the parts were made with {key} = {was}, this run has {now}; " +
                        $"run with the same input and options, or delete {folder} to start over.");
            }
            // Leftovers of a process killed while writing: never parts, always safe to remove.
            foreach (var stale in Directory.EnumerateFiles(folder, ".*.tmp")) File.Delete(stale);
            string outputDir = Path.GetDirectoryName(Path.GetFullPath(s.Output))!;
            foreach (var stale in Directory.EnumerateFiles(outputDir, $".{Path.GetFileName(s.Output)}.*.tmp")) File.Delete(stale);
            log.WriteLine($"resuming from {folder}: {Directory.EnumerateFiles(folder, "part-*.npy").Count()} part(s) done");
        }
        else
        {
            Directory.CreateDirectory(folder);
            manifest["rows_done"] = 0;
            AtomicFile.WriteAllText(path, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        var parts = new ResumeParts(s, folder, manifest, dimension);
        parts._rowsDone = parts.CountDoneRows();
        return parts;
    }

    /// <summary>Whether window <paramref name="window"/> has a whole part already.</summary>
    public bool IsDone(long window) => File.Exists(Path.Combine(Folder, PartName(window)));

    /// <summary>Writes window <paramref name="window"/>'s vectors as an atomic part and records the rows done.</summary>
    public void Write(long window, ReadOnlySpan<float> vectors, int rows)
    {
        using (var part = EmbeddingWriter.Create(Path.Combine(Folder, PartName(window)), _dimension))
        {
            part.Write(vectors);
            part.Complete();
        }
        _rowsDone += rows;
        var manifest = _manifest.DeepClone().AsObject();
        manifest["rows_done"] = _rowsDone;
        AtomicFile.WriteAllText(Path.Combine(Folder, ManifestFile), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Streams every part, in window order, into the output (atomically), then removes the folder.</summary>
    public void Assemble(long firstRow, CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(Folder, "part-*.npy").Order(StringComparer.Ordinal).ToList();
        using (var writer = EmbeddingWriter.Create(_settings.Output, _dimension, new EmbeddingWriterOptions { FirstRowId = firstRow }))
        {
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var part = EmbeddingFileReader.Read(file);
                if (part.Dimension != _dimension) throw new InvalidDataException($"{file}: dimension {part.Dimension}, expected {_dimension}.");
                writer.Write(part.Data);
            }
            writer.Complete();
        }
        Directory.Delete(Folder, recursive: true);
    }

    private long CountDoneRows()
    {
        long rows = 0;
        foreach (var file in Directory.EnumerateFiles(Folder, "part-*.npy"))
            rows += EmbeddingFileReader.Read(file).Rows;
        return rows;
    }

    /// <summary>What must not change between the runs that share parts.</summary>
    private static JsonObject Manifest(EmbedSettings s, long totalRows, int dimension)
    {
        var input = new FileInfo(s.Input);
        var o = s.Encoder;
        return new JsonObject
        {
            ["input"] = input.FullName,
            ["input_bytes"] = input.Length,
            ["input_modified_utc"] = input.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture),
            ["rows"] = totalRows,
            ["column"] = s.Reader.Column,
            ["field"] = s.Reader.Field,
            ["header"] = s.Reader.HasHeader,
            ["model"] = Models.IsFolder(s.Model) ? Path.GetFullPath(s.Model) : s.Model,
            ["dimension"] = dimension,
            ["pooling"] = o.Pooling is PoolingMode p ? PoolingModes.ToName(p) : null,
            ["normalize"] = o.Normalize,
            ["max_seq_length"] = o.MaxSequenceLength,
            ["precision"] = o.Precision.ToString(),
            ["backend"] = o.Backend.ToString(),
            ["batch_size"] = o.BatchSize,
            ["device"] = o.Device,
            ["window"] = s.Window,
            ["shard"] = s.Shard.ToString(),
        };
    }
}
