namespace Aos.Storage;

/// <summary>Specifies the kind of a named store.</summary>
public enum StoreKind
{
    /// <summary>A blob store (<see cref="IBlobStore"/>).</summary>
    Blob,

    /// <summary>A table store (<see cref="ITableStore"/>).</summary>
    Table,

    /// <summary>A queue store (<see cref="IQueueStore"/>), with its dead letters.</summary>
    Queue,

    /// <summary>A document store (<see cref="IDocumentStore"/>), with all its collections.</summary>
    Document,
}
