namespace Aos.Storage;

/// <summary>Configures which backend keeps each named store (<c>Aos:Storage</c>).</summary>
/// <remarks>
/// A store not listed in <see cref="Stores"/> is kept by <see cref="DefaultBackend"/>. A backend is available when it is registered
/// (the embedded <c>sqlite</c> one always is; <c>postgres</c> and <c>azure</c> when their connection strings are configured); naming one
/// that is not fails the host's start with the option's name.
/// </remarks>
public sealed class StorageOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Storage";

    /// <summary>Gets or sets the backend of stores not listed in <see cref="Stores"/>.</summary>
    /// <value>The default is <c>sqlite</c>, the embedded backend.</value>
    public string DefaultBackend { get; set; } = "sqlite";

    /// <summary>Gets the named stores that differ from the defaults, by store name.</summary>
    public IDictionary<string, NamedStoreOptions> Stores { get; } = new Dictionary<string, NamedStoreOptions>(StringComparer.Ordinal);
}
