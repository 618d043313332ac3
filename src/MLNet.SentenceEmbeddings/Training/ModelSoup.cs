using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// A uniform model soup (Wortsman et al., ICML 2022): one encoder whose every weight is the mean of the same weight in
/// several encoders fine-tuned from one starting model (different seeds, say). It costs one model at inference, unlike
/// an ensemble, and works where the fine-tuned weights stay in one basin, which a shared start and a small learning
/// rate make likely; whether it helps is measured, not assumed (docs/reproduction.md, Table 2).
/// </summary>
public static class ModelSoup
{
    /// <summary>Loads every folder and returns a new encoder (the first folder's modules and tokenizer) holding the mean weights.</summary>
    /// <exception cref="ArgumentException">Fewer than one folder.</exception>
    /// <exception cref="InvalidDataException">A folder's weights do not match the first's (names or shapes); the message names the folder and weight.</exception>
    public static SentenceEncoder Average(IReadOnlyList<string> folders, SentenceEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folders);
        if (folders.Count == 0) throw new ArgumentException("expected at least one model folder to average.", nameof(folders));
        var soup = SentenceEncoder.Load(folders[0], options);
        var sums = new Dictionary<string, Tensor>();
        try
        {
            using var _ = no_grad();
            // Scalars held for the whole loop: an implicit one made per call can be finalised while libtorch still
            // reads it (seen as "Scalar toFloat: Expected false to be true" on the third of three large encoders).
            using var one = 1.0.ToScalar();
            using var count = ((double)folders.Count).ToScalar();
            var weights = soup.Modules.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            using (NewDisposeScope())
                foreach (var (name, p) in weights) sums[name] = p.detach().clone().to(ScalarType.Float32).MoveToOuterDisposeScope();
            foreach (string folder in folders.Skip(1))
            {
                using var other = SentenceEncoder.Load(folder, options);
                var theirs = other.Modules.named_parameters().ToList();
                if (theirs.Count != weights.Count)
                    throw new InvalidDataException($"{folder}: {theirs.Count} weights; {folders[0]} has {weights.Count}. Only encoders of one architecture can be averaged.");
                foreach (var (name, p) in theirs)
                {
                    if (!sums.TryGetValue(name, out var sum) || !sum.shape.SequenceEqual(p.shape))
                        throw new InvalidDataException($"{folder}: weight '{name}' [{string.Join(", ", p.shape)}] has no match of that shape in {folders[0]}.");
                    sum.add_(p, one);
                }
            }
            foreach (var (name, p) in weights) p.copy_(sums[name].div_(count));
            soup.WeightsChanged();
            return soup;
        }
        catch
        {
            soup.Dispose();
            throw;
        }
        finally
        {
            foreach (var sum in sums.Values) sum.Dispose();
        }
    }
}
