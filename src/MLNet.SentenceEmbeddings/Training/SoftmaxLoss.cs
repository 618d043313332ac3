using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// The classification objective of SBERT (Reimers and Gurevych 2019, Section 3): o = softmax(W [u; v; |u−v|]) with
/// cross-entropy over k labels (NLI: entailment, neutral, contradiction). The flags reproduce the concatenation
/// ablation of Table 6 (u*v added, u/v or |u−v| dropped). Inputs: pairs with an int64 class label in [0, k).
/// </summary>
/// <remarks>
/// By default the loss sees the vector before the encoder's Normalize module (<see cref="BeforeNormalize"/>): the
/// paper's vectors were never normalised, and on unit vectors the entries of u, v and |u−v| are so small that W barely
/// learns while the encoder drifts (measured on all-MiniLM-L6-v2 and SNLI: docs/training.md, "Normalisation and the
/// classification objective"). Pass <c>beforeNormalize: false</c> for the encoder's normalised output, the behaviour before.
/// </remarks>
public sealed class SoftmaxLoss : nn.Module, ISentenceLoss
{
    private readonly Linear classifier;

    /// <param name="dimension">Width of the sentence embeddings.</param>
    /// <param name="numLabels">Number of classes k.</param>
    /// <param name="concatenateRep">Include u and v (Table 6: "(u, v)").</param>
    /// <param name="concatenateDifference">Include |u − v|.</param>
    /// <param name="concatenateMultiplication">Include u * v (off in the paper's best configuration).</param>
    /// <param name="seed">Seeds the head's initial weights, so that two runs with the same options train the same model
    /// whatever ran before in the process.</param>
    /// <param name="beforeNormalize">True (default): train on the vector before a trailing Normalize module; false: on the
    /// encoder's output as it is.</param>
    public SoftmaxLoss(int dimension, int numLabels, bool concatenateRep = true, bool concatenateDifference = true,
        bool concatenateMultiplication = false, long seed = 42, bool beforeNormalize = true) : base(nameof(SoftmaxLoss))
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be positive.");
        if (numLabels < 2) throw new ArgumentOutOfRangeException(nameof(numLabels), numLabels, "numLabels must be at least 2.");
        int parts = (concatenateRep ? 2 : 0) + (concatenateDifference ? 1 : 0) + (concatenateMultiplication ? 1 : 0);
        if (parts == 0)
            throw new ArgumentException("SoftmaxLoss needs at least one of u/v, |u-v| or u*v in the classifier's input.", nameof(concatenateRep));
        ConcatenateRep = concatenateRep;
        ConcatenateDifference = concatenateDifference;
        ConcatenateMultiplication = concatenateMultiplication;
        NumLabels = numLabels;
        BeforeNormalize = beforeNormalize;
        // nn.Linear draws from the global generator; without a seed the head, and so the run, depended on
        // whatever had consumed random numbers earlier in the process.
        torch.manual_seed(seed);
        classifier = nn.Linear(parts * dimension, numLabels);
        RegisterComponents();
    }

    public bool ConcatenateRep { get; }
    public bool ConcatenateDifference { get; }
    public bool ConcatenateMultiplication { get; }
    public int NumLabels { get; }
    /// <summary>Whether the trainer hands this loss the vector before the encoder's Normalize module (default true).</summary>
    public bool BeforeNormalize { get; }
    public int Columns => 2;
    public LabelKind Labels => LabelKind.ClassIndex;

    public string? CheckLabel(double label) =>
        label == Math.Floor(label) && label >= 0 && label < NumLabels ? null : $"a class index in 0..{NumLabels - 1}";
    IEnumerable<Parameter> ISentenceLoss.Parameters => parameters();

    /// <summary>The classifier W, (k, parts·dim); exposed for tests and for predicting with the trained head.</summary>
    public Linear Classifier => classifier;

    /// <summary>Logits (B, k) of W [u; v; |u−v|(; u*v)].</summary>
    public Tensor Logits(Tensor u, Tensor v)
    {
        using var scope = NewDisposeScope();
        var features = new List<Tensor>();
        if (ConcatenateRep) { features.Add(u); features.Add(v); }
        if (ConcatenateDifference) features.Add((u - v).abs());
        if (ConcatenateMultiplication) features.Add(u * v);
        return classifier.forward(cat(features, 1)).MoveToOuterDisposeScope();
    }

    public Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        LossInputs.Check(embeddings, Columns, labels, Labels != LabelKind.None, nameof(SoftmaxLoss));
        using var logits = Logits(embeddings[0], embeddings[1]);
        return nn.functional.cross_entropy(logits, labels!.to_type(ScalarType.Int64));
    }
}
