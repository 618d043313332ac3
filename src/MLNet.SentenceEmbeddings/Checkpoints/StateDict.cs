using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>Copies named weights into a module key by key, checking every name and shape (nanoGPT's from_pretrained habit).</summary>
public static class StateDict
{
    /// <summary>Loads <paramref name="state"/> into <paramref name="module"/>.</summary>
    /// <param name="module">The module whose parameters are filled.</param>
    /// <param name="state">Checkpoint tensors by key.</param>
    /// <param name="source">Names the checkpoint in errors.</param>
    /// <param name="mapKey">Our parameter name for a checkpoint key, or null to skip it (e.g. <see cref="Modeling.TransformerModel.MapCheckpointKey"/>); identity when null.</param>
    /// <exception cref="InvalidDataException">A parameter is missing or has the wrong shape; the message names <paramref name="source"/>.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, NamedArray> state, string source, Func<string, string?>? mapKey = null)
    {
        var normalized = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var (k, v) in state)
        {
            string? key = mapKey is null ? k : mapKey(k);
            if (key is not null) normalized[key] = v;
        }
        using var _ = no_grad();
        var expected = module.named_parameters().ToList();
        var missing = expected.Where(p => !normalized.ContainsKey(p.name)).Select(p => p.name).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{source}: missing {missing.Count} weight(s), e.g. {string.Join(", ", missing.Take(3))}.");
        foreach (var (name, parameter) in expected)
        {
            var array = normalized[name];
            if (!array.Shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"{source}: weight '{name}' has shape {array.ShapeText}, expected [{string.Join(", ", parameter.shape)}] from config.json.");
            using var src = tensor(array.Data, array.Shape, dtype: ScalarType.Float32);
            parameter.copy_(src);
        }
        var unused = normalized.Keys.Except(expected.Select(p => p.name)).ToList();
        if (unused.Count > 0)
            throw new InvalidDataException($"{source}: {unused.Count} weight(s) the model does not have, e.g. {string.Join(", ", unused.Take(3))}; does config.json match the weights?");
    }

    /// <summary>The module's parameters as float32 arrays (for saving).</summary>
    public static List<NamedArray> Export(nn.Module module)
    {
        var result = new List<NamedArray>();
        foreach (var (name, p) in module.named_parameters())
        {
            using var cpu = p.detach().to(ScalarType.Float32).cpu().contiguous();
            result.Add(new NamedArray(name, cpu.shape, cpu.data<float>().ToArray()));
        }
        return result;
    }
}
