namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// Stratified k-fold splits as scikit-learn's StratifiedKFold(shuffle=True) makes them (0.22 and later): rows sorted by
/// class are dealt round-robin to the folds to fix how many of each class every fold gets, then each class's fold
/// numbers are shuffled over its rows. Every row is in exactly one test fold; fold sizes differ by at most one per
/// class. The shuffle is .NET's seeded Random, not NumPy's, so the folds are SentEval's in shape, not bit for bit.
/// </summary>
public static class StratifiedKFold
{
    /// <summary>The test fold (0..k-1) of every row.</summary>
    /// <param name="labels">Class of each row (any non-negative integers).</param>
    /// <param name="folds">k, at least 2 and at most the number of rows.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    public static int[] AssignFolds(IReadOnlyList<int> labels, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "At least 2 folds are needed.");
        if (folds > labels.Count) throw new ArgumentOutOfRangeException(nameof(folds), folds, $"Cannot make {folds} folds of {labels.Count} rows.");
        var classes = labels.Distinct().Order().ToArray();
        var sorted = labels.Order().ToArray();
        var assignment = new int[labels.Count];
        var random = new Random(seed);
        foreach (int c in classes)
        {
            // allocation[f] = how many rows of class c land in fold f: count of c in sorted[f], sorted[f+k], ...
            var perClass = new List<int>();
            for (int f = 0; f < folds; f++)
            {
                int count = 0;
                for (int i = f; i < sorted.Length; i += folds) if (sorted[i] == c) count++;
                for (int j = 0; j < count; j++) perClass.Add(f);
            }
            var foldOfRow = perClass.ToArray();
            random.Shuffle(foldOfRow);
            int next = 0;
            for (int r = 0; r < labels.Count; r++) if (labels[r] == c) assignment[r] = foldOfRow[next++];
        }
        return assignment;
    }

    /// <summary>(train, test) row positions (indices into <paramref name="labels"/>) for each of the k folds.</summary>
    public static IReadOnlyList<(int[] Train, int[] Test)> Split(IReadOnlyList<int> labels, int folds, int seed)
    {
        var fold = AssignFolds(labels, folds, seed);
        var result = new List<(int[], int[])>(folds);
        for (int f = 0; f < folds; f++)
        {
            var test = new List<int>();
            var train = new List<int>();
            for (int r = 0; r < fold.Length; r++) (fold[r] == f ? test : train).Add(r);
            result.Add((train.ToArray(), test.ToArray()));
        }
        return result;
    }
}
