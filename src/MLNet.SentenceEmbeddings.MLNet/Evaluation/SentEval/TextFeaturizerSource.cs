using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using MLNet.SentenceEmbeddings.Data.SentEval;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// The classic baseline in the same harness: ML.NET's FeaturizeText (word 1-2-grams and character 3-grams,
/// L2-normalised, ML.NET's defaults) and the same logistic regression. The featurizer's vocabulary is fitted on
/// each training part only (no test leakage), once per split and reused for every C. Pairs (MRPC) get
/// [|u-v|; u*v] of the two sentences' sparse n-gram vectors, as the embeddings do.
/// </summary>
public sealed class TextFeaturizerSource : ISentEvalFeatureSource
{
    /// <param name="options">FeaturizeText options; null: ML.NET's defaults.</param>
    public TextFeaturizerSource(TextFeaturizingEstimator.Options? options = null) => Options = options;

    public TextFeaturizingEstimator.Options? Options { get; }

    public string Name => "ML.NET FeaturizeText (word 1-2 + char 3-grams)";

    public ISentEvalClassifier Prepare(MLContext ml, SentEvalTaskData task, SentEvalOptions options) =>
        new Classifier(ml, task, options, Options);

    public void Dispose() { }

    private sealed class Classifier(MLContext ml, SentEvalTaskData task, SentEvalOptions options, TextFeaturizingEstimator.Options? featurizerOptions) : ISentEvalClassifier
    {
        private const string TextColumn = "Text";
        private readonly IReadOnlyList<SentEvalExample> _rows = task.All;
        private readonly int _classes = task.ClassNames.Count;

        public int[][] FitPredict(IReadOnlyList<int> trainRows, IReadOnlyList<int> testRows, IReadOnlyList<double> cGrid)
        {
            if (task.IsPairTask) return FitPredictPairs(trainRows, testRows, cGrid);
            var train = TextView(trainRows.Select(r => (_rows[r].Sentence, _rows[r].Label)));
            var featurizer = Featurizer().Fit(train);
            var trainFeatures = ml.Data.Cache(featurizer.Transform(train));
            var testFeatures = featurizer.Transform(TextView(testRows.Select(r => (_rows[r].Sentence, _rows[r].Label))));
            return SentEvalLogisticRegression.FitPredict(ml, trainFeatures, testFeatures, _classes, cGrid, options);
        }

        private int[][] FitPredictPairs(IReadOnlyList<int> trainRows, IReadOnlyList<int> testRows, IReadOnlyList<double> cGrid)
        {
            // Vocabulary from both sentences of the training pairs only.
            var vocabulary = TextView(trainRows.SelectMany(r => new[] { (_rows[r].Sentence, 0), (_rows[r].Sentence2!, 0) }));
            var featurizer = Featurizer().Fit(vocabulary);
            var train = PairView(featurizer, trainRows);
            var test = PairView(featurizer, testRows);
            return SentEvalLogisticRegression.FitPredict(ml, ml.Data.Cache(train), test, _classes, cGrid, options);
        }

        private IEstimator<ITransformer> Featurizer() => featurizerOptions is null
            ? ml.Transforms.Text.FeaturizeText(SentEvalLogisticRegression.FeatureColumn, TextColumn)
            : ml.Transforms.Text.FeaturizeText(SentEvalLogisticRegression.FeatureColumn, featurizerOptions, TextColumn);

        private IDataView TextView(IEnumerable<(string Text, int Label)> rows)
        {
            if (_classes == 2)
                return ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryTextRow { Text = r.Text, Label = r.Label == 1 }).ToList());
            var schema = SchemaDefinition.Create(typeof(KeyTextRow));
            schema[SentEvalLogisticRegression.LabelColumn].ColumnType = new KeyDataViewType(typeof(uint), _classes);
            return ml.Data.LoadFromEnumerable(rows.Select(r => new KeyTextRow { Text = r.Text, Label = (uint)r.Label }).ToList(), schema);
        }

        private IDataView PairView(ITransformer featurizer, IReadOnlyList<int> rows)
        {
            var u = Vectors(featurizer, rows.Select(r => _rows[r].Sentence), out int dim);
            var v = Vectors(featurizer, rows.Select(r => _rows[r].Sentence2!), out _);
            var data = new List<SparsePairRow>(rows.Count);
            for (int i = 0; i < rows.Count; i++)
                data.Add(new SparsePairRow { Label = _rows[rows[i]].Label == 1, Features = SparsePairFeatures.Combine(u[i], v[i], dim) });
            var schema = SchemaDefinition.Create(typeof(SparsePairRow));
            schema[SentEvalLogisticRegression.FeatureColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2 * dim);
            return ml.Data.LoadFromEnumerable(data, schema);
        }

        private List<VBuffer<float>> Vectors(ITransformer featurizer, IEnumerable<string> texts, out int dim)
        {
            var view = featurizer.Transform(TextView(texts.Select(t => (t, 0))));
            var column = view.Schema[SentEvalLogisticRegression.FeatureColumn];
            dim = ((VectorDataViewType)column.Type).Size;
            var list = new List<VBuffer<float>>();
            using var cursor = view.GetRowCursor(new[] { column });
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                VBuffer<float> copy = default;
                buffer.CopyTo(ref copy);
                list.Add(copy);
            }
            return list;
        }
    }

    private sealed class BinaryTextRow
    {
        public bool Label { get; set; }
        public string Text { get; set; } = "";
    }

    private sealed class KeyTextRow
    {
        public uint Label { get; set; }
        public string Text { get; set; } = "";
    }

    private sealed class SparsePairRow
    {
        public bool Label { get; set; }
        public VBuffer<float> Features { get; set; }
    }
}
