using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// The lazy result of <see cref="SentenceEmbeddingTransformer.Transform"/>: the input columns plus one vector column
/// per pair. Nothing is computed until a cursor asks for an embedding column; then the cursor reads ahead a window
/// of rows through a second cursor over the text columns only, embeds the window in one call (smart batching inside
/// the encoder: one forward pass per batch, not per row) and serves the rows from it.
/// </summary>
/// <remarks>
/// Both cursors walk the source in the same order because neither is shuffled (<see cref="CanShuffle"/> is false and
/// a shuffle request is ignored, as IDataView allows).
/// </remarks>
internal sealed class SentenceEmbeddingDataView : IDataView
{
    private readonly IDataView _source;
    private readonly SentenceEmbeddingTransformer _parent;

    public SentenceEmbeddingDataView(IDataView source, SentenceEmbeddingTransformer parent)
    {
        _source = source;
        _parent = parent;
        Schema = parent.GetOutputSchema(source.Schema);
    }

    public DataViewSchema Schema { get; }
    public bool CanShuffle => false;
    public long? GetRowCount() => _source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int sourceCount = _source.Schema.Count;
        var needed = columnsNeeded.ToList();
        var activeOutputs = needed.Where(c => c.Index >= sourceCount).Select(c => c.Index - sourceCount).Distinct().ToArray();
        var main = _source.GetRowCursor(needed.Where(c => c.Index < sourceCount).Select(c => _source.Schema[c.Index]));
        if (activeOutputs.Length == 0) return new Cursor(this, main, null, activeOutputs, Array.Empty<string>());
        var inputNames = activeOutputs.Select(k => _parent.Columns[k].InputColumnName).Distinct().ToArray();
        var ahead = _source.GetRowCursor(inputNames.Select(n => _source.Schema[n]));
        return new Cursor(this, main, ahead, activeOutputs, inputNames);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly SentenceEmbeddingDataView _view;
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor? _ahead;
        private readonly HashSet<int> _activeOutputs;
        private readonly string[] _inputNames;
        private readonly ValueGetter<ReadOnlyMemory<char>>[] _textGetters;
        private readonly float[][] _window;      // per input column: window rows x dim
        private readonly int _dim;
        private readonly int _windowRows;
        private int _filled;
        private int _row = -1;

        public Cursor(SentenceEmbeddingDataView view, DataViewRowCursor main, DataViewRowCursor? ahead, int[] activeOutputs, string[] inputNames)
        {
            _view = view;
            _main = main;
            _ahead = ahead;
            _activeOutputs = activeOutputs.ToHashSet();
            _inputNames = inputNames;
            _dim = view._parent.Dimension;
            _windowRows = view._parent.WindowRows;
            _textGetters = ahead is null ? Array.Empty<ValueGetter<ReadOnlyMemory<char>>>()
                : inputNames.Select(n => ahead.GetGetter<ReadOnlyMemory<char>>(ahead.Schema[n])).ToArray();
            _window = inputNames.Select(_ => new float[_windowRows * _dim]).ToArray();
        }

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _main.Position;
        public override long Batch => _main.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

        public override bool MoveNext()
        {
            if (!_main.MoveNext()) return false;
            if (_ahead is not null && ++_row >= _filled) FillWindow();
            return true;
        }

        private void FillWindow()
        {
            var texts = _inputNames.Select(_ => new List<string?>(_windowRows)).ToArray();
            ReadOnlyMemory<char> value = default;
            while (texts[0].Count < _windowRows && _ahead!.MoveNext())
            {
                for (int c = 0; c < _inputNames.Length; c++)
                {
                    _textGetters[c](ref value);
                    texts[c].Add(value.ToString());
                }
            }
            if (texts[0].Count == 0)
                throw new InvalidOperationException("The look-ahead cursor ended before the main cursor: the source returned rows in different orders to two cursors.");
            for (int c = 0; c < _inputNames.Length; c++) _view._parent.EmbedWindow(texts[c], _window[c]);
            _filled = texts[0].Count;
            _row = 0;
        }

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            int sourceCount = _view._source.Schema.Count;
            return column.Index < sourceCount
                ? _main.IsColumnActive(_view._source.Schema[column.Index])
                : _activeOutputs.Contains(column.Index - sourceCount);
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int sourceCount = _view._source.Schema.Count;
            if (column.Index < sourceCount) return _main.GetGetter<TValue>(_view._source.Schema[column.Index]);
            int output = column.Index - sourceCount;
            if (!_activeOutputs.Contains(output))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<Single>; a getter of {typeof(TValue).Name} was requested.");
            float[] window = _window[Array.IndexOf(_inputNames, _view._parent.Columns[output].InputColumnName)];
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                var editor = VBufferEditor.Create(ref dst, _dim);
                window.AsSpan(_row * _dim, _dim).CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _main.Dispose();
                _ahead?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
