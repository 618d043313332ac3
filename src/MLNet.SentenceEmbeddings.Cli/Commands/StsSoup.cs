using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// A model soup of bi-encoders or cross-encoders made for the CLI (<c>sbert soup</c>, Table 2's greedy soups), whatever
/// their kind: every folder averaged, or the greedy recipe choosing on held-out STS pairs' Spearman. The two kinds load,
/// average and score through different types; this is the one place that tells them apart.
/// </summary>
internal static class StsSoup
{
    /// <summary>The soup while it is loaded: its Spearman (0 to 1) on STS pairs, and a way to save it in its kind's format.</summary>
    internal sealed record Loaded(Func<IReadOnlyList<SentencePair>, double> Spearman, Action<string> Save);

    /// <summary>Which folders the soup kept, and, for a greedy soup, each folder's own held-out Spearman and the soup's.</summary>
    internal sealed record Made(IReadOnlyList<string> Kept, IReadOnlyList<(string Folder, double Score)>? OwnScores, double? Score);

    /// <summary>
    /// Averages <paramref name="folders"/>: all of them when <paramref name="heldOut"/> is null, otherwise those the
    /// greedy recipe keeps on its Spearman. <paramref name="use"/> sees the soup before it is disposed.
    /// <paramref name="threads"/> null is libtorch's default.
    /// </summary>
    public static Made Make(bool crossEncoders, IReadOnlyList<string> folders, IReadOnlyList<SentencePair>? heldOut, int? threads, Action<Loaded> use)
    {
        if (crossEncoders)
        {
            var options = new EncoderOptions { Threads = threads };
            return Make(folders, heldOut, use, () => ModelSoup.AverageCrossEncoders(folders, options), score => ModelSoup.GreedyCrossEncoders(folders, score, options),
                (model, pairs) => new CrossEncoderCorrelationEvaluator(pairs).Evaluate(model)["spearman"], (model, folder) => model.Save(folder));
        }
        var encoderOptions = new SentenceEncoderOptions { Threads = threads };
        return Make(folders, heldOut, use, () => ModelSoup.Average(folders, encoderOptions), score => ModelSoup.Greedy(folders, score, encoderOptions),
            (encoder, pairs) => new EmbeddingSimilarityEvaluator(pairs).Evaluate(encoder)["spearman_cosine"], (encoder, folder) => encoder.Save(folder));
    }

    private static Made Make<TModel>(IReadOnlyList<string> folders, IReadOnlyList<SentencePair>? heldOut, Action<Loaded> use, Func<TModel> average,
        Func<Func<TModel, double>, GreedySoup<TModel>> greedy, Func<TModel, IReadOnlyList<SentencePair>, double> spearman, Action<TModel, string> save)
        where TModel : IDisposable
    {
        if (heldOut is null)
        {
            using var soup = average();
            use(new(pairs => spearman(soup, pairs), folder => save(soup, folder)));
            return new(folders, null, null);
        }
        using var chosen = greedy(model => spearman(model, heldOut));
        use(new(pairs => spearman(chosen.Model, pairs), folder => save(chosen.Model, folder)));
        return new(chosen.Ingredients, chosen.OwnScores, chosen.Score);
    }
}
