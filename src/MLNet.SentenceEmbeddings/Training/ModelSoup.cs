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
        Greedy(folders, heldOutScore, folder => SentenceEncoder.Load(folder, options), model => model.Modules.named_parameters().ToList(), model => model.WeightsChanged());

    /// <summary>
    /// <see cref="Greedy"/> for cross-encoders saved by <see cref="CrossEncoder.Save(string)"/>, averaged as
    /// <see cref="AverageCrossEncoders"/> averages them.
    /// </summary>
    /// <exception cref="ArgumentException">No folder, or a score that is not a number (naming the folder).</exception>
    /// <exception cref="InvalidDataException">A folder's weights do not match the first's (names or shapes).</exception>
    public static GreedySoup<CrossEncoder> GreedyCrossEncoders(IReadOnlyList<string> folders, Func<CrossEncoder, double> heldOutScore, EncoderOptions? options = null) =>
        Greedy(folders, heldOutScore, folder => CrossEncoder.Load(folder, options: options), Weights, _ => { });

    /// <remarks>
    /// The soup is the best folder's model, its weights rewritten in place: each candidate is loaded once and added to
    /// a running sum of the kept weights, so n folders cost 2n - 1 loads, not one load per ingredient per candidate.
    /// The sum runs in the kept order, as <see cref="Average"/> would add the same folders.
    /// </remarks>
    private static GreedySoup<TModel> Greedy<TModel>(IReadOnlyList<string> folders, Func<TModel, double> heldOutScore, Func<string, TModel> load,
        Func<TModel, List<(string name, Parameter parameter)>> weightsOf, Action<TModel> weightsChanged) where TModel : IDisposable
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
        var weights = weightsOf(soup);
        WeightSum? kept = null;
        try
        {
            kept = new WeightSum(ranked[0].Folder, weights);
            foreach (var (folder, _) in ranked.Skip(1))
            {
                var tried = kept.Clone();
                try
                {
                    using (var candidate = load(folder)) tried.Add(folder, weightsOf(candidate));
                    tried.WriteMean(weights, ingredients.Count + 1);
                    weightsChanged(soup);
                    double score = Score(soup, $"the soup of {string.Join(", ", ingredients)} and {folder}");
                    if (score >= best)
                    {
                        (kept, tried, best) = (tried, kept, score);
                        ingredients.Add(folder);
                    }
                    else
                    {
                        kept.WriteMean(weights, ingredients.Count);
                        weightsChanged(soup);
                    }
                }
                finally { tried.Dispose(); }
            }
            return new GreedySoup<TModel>(soup, ingredients, ranked, best);
        }
        catch
        {
            soup.Dispose();
            throw;
        }
        finally { kept?.Dispose(); }
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
        using var sum = new WeightSum(folders[0], weights);
        foreach (string folder in folders.Skip(1))
        {
            var (other, theirs) = load(folder);
            using (other) sum.Add(folder, theirs);
        }
        sum.WriteMean(weights, folders.Count);
    }

    /// <summary>
    /// A float32 sum of several models' weights, by name, checked against the first model's names and shapes.
    /// </summary>
    private sealed class WeightSum : IDisposable
    {
        private readonly string _first;
        private readonly Dictionary<string, Tensor> _sums;

        public WeightSum(string first, List<(string name, Parameter parameter)> weights)
        {
            _first = first;
            _sums = new Dictionary<string, Tensor>();
            using var _ = no_grad();
            using (NewDisposeScope())
                foreach (var (name, p) in weights) _sums[name] = p.detach().clone().to(ScalarType.Float32).MoveToOuterDisposeScope();
        }

        private WeightSum(string first, Dictionary<string, Tensor> sums) => (_first, _sums) = (first, sums);

        public WeightSum Clone()
        {
            using var _ = no_grad();
            return new WeightSum(_first, _sums.ToDictionary(s => s.Key, s => s.Value.clone()));
        }

        /// <exception cref="InvalidDataException">Weights whose count, names or shapes differ from the first model's, naming <paramref name="folder"/>.</exception>
        public void Add(string folder, List<(string name, Parameter parameter)> theirs)
        {
            if (theirs.Count != _sums.Count)
                throw new InvalidDataException($"{folder}: {theirs.Count} weights; {_first} has {_sums.Count}. Only models of one architecture can be averaged.");
            using var _ = no_grad();
            // Held for the whole loop: an implicit scalar made per call can be finalised while libtorch still reads it
            // (seen as "Scalar toFloat: Expected false to be true" on the third of three large encoders).
            using var one = 1.0.ToScalar();
            foreach (var (name, p) in theirs)
            {
                if (!_sums.TryGetValue(name, out var sum) || !sum.shape.SequenceEqual(p.shape))
                    throw new InvalidDataException($"{folder}: weight '{name}' [{string.Join(", ", p.shape)}] has no match of that shape in {_first}.");
                sum.add_(p, one);
            }
        }

        /// <summary>Overwrites <paramref name="weights"/> with this sum over <paramref name="count"/> models.</summary>
        public void WriteMean(List<(string name, Parameter parameter)> weights, int count)
        {
            using var _ = no_grad();
            using var divisor = ((double)count).ToScalar();
            foreach (var (name, p) in weights)
                using (var mean = _sums[name].div(divisor)) p.copy_(mean);
        }

        public void Dispose()
        {
            foreach (var sum in _sums.Values) sum.Dispose();
        }
    }
}
