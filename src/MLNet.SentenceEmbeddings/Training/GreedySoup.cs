namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// What <see cref="ModelSoup.Greedy"/> or <see cref="ModelSoup.GreedyCrossEncoders"/> made: the soup, the folders it
/// averages in the order they were added, every folder's own held-out score and the soup's. Disposing it disposes
/// <see cref="Model"/>.
/// </summary>
/// <param name="Model">The soup: the mean of every weight of <paramref name="Ingredients"/>.</param>
/// <param name="Ingredients">The folders kept, best own score first; never empty.</param>
/// <param name="OwnScores">Each folder offered, in decreasing order of its own held-out score (the order tried).</param>
/// <param name="Score">The soup's held-out score: at least the best single folder's.</param>
public sealed record GreedySoup<TModel>(TModel Model, IReadOnlyList<string> Ingredients, IReadOnlyList<(string Folder, double Score)> OwnScores, double Score)
    : IDisposable where TModel : IDisposable
{
    public void Dispose() => Model.Dispose();
}
