namespace Aos.Storage;

/// <summary>Configures one named store (<c>Aos:Storage:Stores:&lt;name&gt;</c>).</summary>
public sealed class NamedStoreOptions
{
    /// <summary>Gets or sets the backend that keeps the store: <c>sqlite</c>, <c>postgres</c> or <c>azure</c>.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="StorageOptions.DefaultBackend"/>.</value>
    public string? Backend { get; set; }

    /// <summary>Gets or sets, for a queue store, how many times a message may be received without being completed before it is dead-lettered.</summary>
    /// <value>The default is 5.</value>
    public int MaxDequeueCount { get; set; } = 5;
}
