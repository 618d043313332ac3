using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// Row-by-row mapping for <see cref="PredictionEngine{TSrc,TDst}"/> and other single-row consumers: each embedding
/// is computed when its getter is first called for a row, and kept until the row moves.
/// </summary>
internal sealed class SentenceEmbeddingRowMapper : IRowToRowMapper
{
    private readonly SentenceEmbeddingTransformer _parent;

    public SentenceEmbeddingRowMapper(SentenceEmbeddingTransformer parent, DataViewSchema inputSchema)
    {
        _parent = parent;
        InputSchema = inputSchema;
        OutputSchema = parent.GetOutputSchema(inputSchema);
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var result = new List<DataViewSchema.Column>();
        foreach (var c in dependingColumns)
        {
            if (c.Index < InputSchema.Count) result.Add(InputSchema[c.Index]);
            else result.Add(InputSchema[_parent.Columns[c.Index - InputSchema.Count].InputColumnName]);
        }
        return result.Distinct();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new Row(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    private sealed class Row : DataViewRow
    {
        private readonly SentenceEmbeddingRowMapper _mapper;
        private readonly DataViewRow _input;
        private readonly HashSet<int> _active;

        public Row(SentenceEmbeddingRowMapper mapper, DataViewRow input, HashSet<int> active)
        {
            _mapper = mapper;
            _input = input;
            _active = active;
        }

        public override DataViewSchema Schema => _mapper.OutputSchema;
        public override long Position => _input.Position;
        public override long Batch => _input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = _mapper.InputSchema.Count;
            if (column.Index < inputCount) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            var pair = _mapper._parent.Columns[column.Index - inputCount];
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<Single>; a getter of {typeof(TValue).Name} was requested.");
            var text = _input.GetGetter<ReadOnlyMemory<char>>(_input.Schema[pair.InputColumnName]);
            int dim = _mapper._parent.Dimension;
            long cachedPosition = -1;
            var cached = new float[dim];
            ReadOnlyMemory<char> value = default;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                if (cachedPosition != _input.Position)
                {
                    text(ref value);
                    _mapper._parent.EmbedWindow(new[] { (string?)value.ToString() }, cached);
                    cachedPosition = _input.Position;
                }
                var editor = VBufferEditor.Create(ref dst, dim);
                cached.CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }
    }
}
