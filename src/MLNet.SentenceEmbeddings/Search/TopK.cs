namespace MLNet.SentenceEmbeddings.Search;

/// <summary>
/// The k best hits seen so far, as a bounded min-heap whose root is the worst kept hit (lowest score; among equal
/// scores the highest index), so ties keep the lower index whatever order candidates arrive in.
/// </summary>
internal sealed class TopK
{
    private readonly SearchHit[] _heap;
    private int _count;

    public TopK(int k) => _heap = new SearchHit[k];

    public int Count => _count;

    /// <summary>Whether <paramref name="score"/> at <paramref name="index"/> would enter; cheap pre-check for the hot loop.</summary>
    public bool Accepts(float score, int index) =>
        _count < _heap.Length || score > _heap[0].Score || (score == _heap[0].Score && index < _heap[0].CorpusIndex);

    public void Add(float score, int index)
    {
        if (float.IsNaN(score) || !Accepts(score, index)) return;
        var hit = new SearchHit(index, score);
        if (_count < _heap.Length)
        {
            _heap[_count] = hit;
            SiftUp(_count++);
        }
        else
        {
            _heap[0] = hit;
            SiftDown(0);
        }
    }

    /// <summary>The kept hits, best first.</summary>
    public SearchHit[] ToSortedArray()
    {
        var result = _heap.AsSpan(0, _count).ToArray();
        Array.Sort(result, SearchHit.Compare);
        return result;
    }

    // "Worse" = ranks later: the heap keeps the worst at the root.
    private static bool Worse(SearchHit a, SearchHit b) => SearchHit.Compare(a, b) > 0;

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Worse(_heap[i], _heap[parent])) break;
            (_heap[i], _heap[parent]) = (_heap[parent], _heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < _count && Worse(_heap[l], _heap[worst])) worst = l;
            if (r < _count && Worse(_heap[r], _heap[worst])) worst = r;
            if (worst == i) return;
            (_heap[i], _heap[worst]) = (_heap[worst], _heap[i]);
            i = worst;
        }
    }
}
