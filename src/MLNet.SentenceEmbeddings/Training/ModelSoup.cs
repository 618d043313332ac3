using MLNet.SentenceEmbeddings.CrossEncoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// A uniform model soup (Wortsman et al., ICML 2022): one model whose every weight is the mean of the same weight in
/// several models fine-tuned from one starting model (different seeds, say). It costs one model at inference, unlike
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
        CheckFolders(folders);
        var soup = SentenceEncoder.Load(folders[0], options);
        try
        {
            AverageInto(soup.Modules.named_parameters().ToList(), folders, folder =>
            {
                var other = SentenceEncoder.Load(folder, options);
                return (other, other.Modules.named_parameters().ToList());
            });
            soup.WeightsChanged();
            return soup;
        }
        catch
        {
            soup.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads every cross-encoder folder (written by <see cref="CrossEncoder.Save(string)"/>) and returns a new
    /// cross-encoder (the first folder's layout, head and tokenizer) holding the mean of every weight: the encoder's,
    /// the head's and a cross-sentence gate's. The heads must have started alike for the mean to mean anything: a
    /// head comparing the two sentences starts from fixed constants, a new classifier on [CLS] from the seed.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than one folder.</exception>
    /// <exception cref="InvalidDataException">A folder's weights do not match the first's (names or shapes); the message names the folder and weight.</exception>
    public static CrossEncoder AverageCrossEncoders(IReadOnlyList<string> folders, EncoderOptions? options = null)
    {
        CheckFolders(folders);
        var soup = CrossEncoder.Load(folders[0], options: options);
        try
        {
            AverageInto(Weights(soup), folders, folder =>
            {
                var other = CrossEncoder.Load(folder, options: options);
                return (other, Weights(other));
            });
            return soup;
        }
        catch
        {
            soup.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A greedy soup (Wortsman et al., ICML 2022, Section 3): the folders are scored alone by
    /// <paramref name="heldOutScore"/> and tried best first; each is added to the soup only where the soup with it
    /// scores at least as well as without. Unlike <see cref="Average"/>, a fine-tuned model that left the others'
    /// basin (a learning rate too high, a worse recipe) is left out instead of spoiling the mean. Score on held-out
    /// data (a dev set), never on the data the soup is reported on: the choice is fitted to it.
    /// </summary>
    /// <param name="folders">Sentence-transformers folders fine-tuned from one start.</param>
    /// <param name="heldOutScore">Higher is better; called once per folder and once per soup tried.</param>
    /// <param name="options">How each folder and soup loads.</param>
    /// <exception cref="ArgumentException">No folder, or a score that is not a number (naming the folder).</exception>
    /// <exception cref="InvalidDataException">A folder's weights do not match the first's (names or shapes).</exception>
    public static GreedySoup<SentenceEncoder> Greedy(IReadOnlyList<string> folders, Func<SentenceEncoder, double> heldOutScore, SentenceEncoderOptions? options = null) =>
        Greedy(folders, heldOutScore, folder => SentenceEncoder.Load(folder, options), ingredients => Average(ingredients, options));

    /// <summary>
    /// <see cref="Greedy"/> for cross-encoders saved by <see cref="CrossEncoder.Save(string)"/>, averaged as
    /// <see cref="AverageCrossEncoders"/> averages them.
    /// </summary>
    /// <exception cref="ArgumentException">No folder, or a score that is not a number (naming the folder).</exception>
    /// <exception cref="InvalidDataException">A folder's weights do not match the first's (names or shapes).</exception>
    public static GreedySoup<CrossEncoder> GreedyCrossEncoders(IReadOnlyList<string> folders, Func<CrossEncoder, double> heldOutScore, EncoderOptions? options = null) =>
        Greedy(folders, heldOutScore, folder => CrossEncoder.Load(folder, options: options), ingredients => AverageCrossEncoders(ingredients, options));

    private static GreedySoup<TModel> Greedy<TModel>(IReadOnlyList<string> folders, Func<TModel, double> heldOutScore, Func<string, TModel> load,
        Func<IReadOnlyList<string>, TModel> average) where TModel : IDisposable
    {
        CheckFolders(folders);
        ArgumentNullException.ThrowIfNull(heldOutScore);
        double Score(TModel model, string what)
        {
            double score = heldOutScore(model);
            return double.IsFinite(score) ? score
                : throw new ArgumentException($"the held-out score of {what} is {score}; expected a finite number.", nameof(heldOutScore));
        }
        // Ties keep the order given, so the same folders and scores make the same soup.
        var ranked = folders.Select((folder, index) =>
        {
            using var model = load(folder);
            return (Folder: folder, Index: index, Score: Score(model, folder));
        }).OrderByDescending(x => x.Score).ThenBy(x => x.Index).Select(x => (x.Folder, x.Score)).ToList();
        var ingredients = new List<string> { ranked[0].Folder };
        double best = ranked[0].Score;
        var soup = load(ranked[0].Folder);
        try
        {
            foreach (var (folder, _) in ranked.Skip(1))
            {
                var candidate = average([.. ingredients, folder]);
                double score;
                try { score = Score(candidate, $"the soup of {string.Join(", ", ingredients)} and {folder}"); }
                catch { candidate.Dispose(); throw; }
                if (score >= best)
                {
                    soup.Dispose();
                    (soup, best) = (candidate, score);
                    ingredients.Add(folder);
                }
                else candidate.Dispose();
            }
            return new GreedySoup<TModel>(soup, ingredients, ranked, best);
        }
        catch
        {
            soup.Dispose();
            throw;
        }
    }

    private static List<(string name, Parameter parameter)> Weights(CrossEncoder model) =>
        model.Model.named_parameters().Select(p => ("encoder." + p.name, p.parameter))
            .Concat(model.Head.named_parameters().Select(p => ("head." + p.name, p.parameter))).ToList();

    private static void CheckFolders(IReadOnlyList<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        if (folders.Count == 0) throw new ArgumentException("expected at least one model folder to average.", nameof(folders));
    }

    /// <summary>Overwrites <paramref name="weights"/> (folders[0]'s, loaded) with the mean of the same weights in every folder.</summary>
    private static void AverageInto(List<(string name, Parameter parameter)> weights, IReadOnlyList<string> folders,
        Func<string, (IDisposable Model, List<(string name, Parameter parameter)> Weights)> load)
    {
        var sums = new Dictionary<string, Tensor>();
        try
        {
            using var _ = no_grad();
            // Scalars held for the whole loop: an implicit one made per call can be finalised while libtorch still
            // reads it (seen as "Scalar toFloat: Expected false to be true" on the third of three large encoders).
            using var one = 1.0.ToScalar();
            using var count = ((double)folders.Count).ToScalar();
            using (NewDisposeScope())
                foreach (var (name, p) in weights) sums[name] = p.detach().clone().to(ScalarType.Float32).MoveToOuterDisposeScope();
            foreach (string folder in folders.Skip(1))
            {
                var (other, theirs) = load(folder);
                using (other)
                {
                    if (theirs.Count != weights.Count)
                        throw new InvalidDataException($"{folder}: {theirs.Count} weights; {folders[0]} has {weights.Count}. Only models of one architecture can be averaged.");
                    foreach (var (name, p) in theirs)
                    {
                        if (!sums.TryGetValue(name, out var sum) || !sum.shape.SequenceEqual(p.shape))
                            throw new InvalidDataException($"{folder}: weight '{name}' [{string.Join(", ", p.shape)}] has no match of that shape in {folders[0]}.");
                        sum.add_(p, one);
                    }
                }
            }
            foreach (var (name, p) in weights) p.copy_(sums[name].div_(count));
        }
        finally
        {
            foreach (var sum in sums.Values) sum.Dispose();
        }
    }
}
