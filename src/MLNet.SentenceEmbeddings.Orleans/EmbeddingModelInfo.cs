namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>The model a silo embeds with.</summary>
/// <param name="ModelId">The silo's <see cref="SiloEmbeddingOptions.Model"/>.</param>
/// <param name="Dimension">Floats per vector.</param>
/// <param name="Silo">The silo that answered.</param>
/// <param name="Batches">Encoder calls its online batcher made so far.</param>
/// <param name="Texts">Texts those calls embedded (Texts / Batches is the mean batch).</param>
[GenerateSerializer, Immutable, Alias("sbert.EmbeddingModelInfo")]
public sealed record EmbeddingModelInfo([property: Id(0)] string ModelId, [property: Id(1)] int Dimension, [property: Id(2)] string Silo,
    [property: Id(3)] long Batches, [property: Id(4)] long Texts);
