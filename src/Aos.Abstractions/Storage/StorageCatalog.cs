using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Aos.Storage;

/// <summary>
/// Opens named stores on the backend configuration assigns them (<see cref="StorageOptions"/>), for AOS services and operators, and
/// narrows them to one agent for the agent's own use (<see cref="ForAgent"/>) and to one tenant for what its agents share
/// (<see cref="ForTenant"/>).
/// </summary>
/// <remarks>Thread-safe; getting a store does no I/O.</remarks>
public sealed class StorageCatalog
{
    /// <summary>Gets the longest store name an agent may use.</summary>
    public const int MaxAgentStoreNameLength = StorageNames.MaxNameLength - ScopeLength;

    private const int ScopeLength = 12;

    private readonly Dictionary<string, IStorageProvider> _providers;
    private readonly StorageOptions _options;

    /// <summary>Initializes a new instance of the <see cref="StorageCatalog"/> class.</summary>
    /// <param name="providers">The registered backends.</param>
    /// <param name="options">Which backend keeps each store.</param>
    public StorageCatalog(IEnumerable<IStorageProvider> providers, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(options);
        _providers = new Dictionary<string, IStorageProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in providers)
        {
            _providers.TryAdd(provider.Name, provider);
        }

        _options = options.Value;
    }

    /// <summary>Gets the names of the registered backends.</summary>
    public IReadOnlyCollection<string> Backends => _providers.Keys;

    /// <summary>Gets a blob store.</summary>
    /// <param name="name">The store's name.</param>
    /// <returns>The store, on its configured backend.</returns>
    public IBlobStore GetBlobStore(string name) => ProviderFor(name).GetBlobStore(name);

    /// <summary>Gets a table store.</summary>
    /// <param name="name">The store's name.</param>
    /// <returns>The store, on its configured backend.</returns>
    public ITableStore GetTableStore(string name) => ProviderFor(name).GetTableStore(name);

    /// <summary>Gets a queue store, with its configured maximum dequeue count.</summary>
    /// <param name="name">The store's name.</param>
    /// <returns>The store, on its configured backend.</returns>
    public IQueueStore GetQueueStore(string name) =>
        ProviderFor(name).GetQueueStore(name, new QueueStoreOptions { MaxDequeueCount = OptionsFor(name)?.MaxDequeueCount ?? new NamedStoreOptions().MaxDequeueCount });

    /// <summary>Gets a document store.</summary>
    /// <param name="name">The store's name.</param>
    /// <returns>The store, on its configured backend.</returns>
    public IDocumentStore GetDocumentStore(string name) => ProviderFor(name).GetDocumentStore(name);

    /// <summary>Gets an agent's own part of the named stores.</summary>
    /// <param name="agentId">The agent.</param>
    /// <returns>The agent's part.</returns>
    public IStorageScope ForAgent(AgentId agentId) => new ScopedStorage(this, Scope('a', agentId.Value));

    /// <summary>Gets a tenant's shared part of the named stores, which the agents of the tenant granted a store share.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The tenant's part.</returns>
    /// <exception cref="AosValidationException">The tenant is not a valid tenant name.</exception>
    public IStorageScope ForTenant(string tenant)
    {
        Security.AosTenants.Validate(tenant);
        return new ScopedStorage(this, Scope('t', tenant));
    }

    /// <summary>Deletes a store and everything in it, on the backend configuration assigns it.</summary>
    /// <param name="kind">The kind of store.</param>
    /// <param name="name">The store's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the store's content is gone.</returns>
    /// <exception cref="AosValidationException">The name is not a valid store name.</exception>
    public ValueTask DeleteStoreAsync(StoreKind kind, string name, CancellationToken cancellationToken = default) =>
        ProviderFor(name).DeleteStoreAsync(kind, name, cancellationToken);

    /// <summary>Deletes an agent's own part of a store (<see cref="ForAgent"/>) and everything in it.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="kind">The kind of store.</param>
    /// <param name="store">The store's name, as the agent names it.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the agent's part is gone; other agents' parts of the store are untouched.</returns>
    /// <exception cref="AosValidationException">The name is not a valid agent store name.</exception>
    public ValueTask DeleteAgentStoreAsync(AgentId agentId, StoreKind kind, string store, CancellationToken cancellationToken = default) =>
        DeleteStoreAsync(kind, Narrow(store, Scope('a', agentId.Value)), cancellationToken);

    /// <summary>Gets the backend that keeps a store.</summary>
    /// <param name="name">The store's name.</param>
    /// <returns>The backend's provider.</returns>
    /// <exception cref="AosValidationException">The name is not a valid store name.</exception>
    /// <exception cref="InvalidOperationException">The configured backend is not registered.</exception>
    public IStorageProvider ProviderFor(string name)
    {
        StorageNames.ValidateName(name, "store name");
        var backend = OptionsFor(name)?.Backend ?? _options.DefaultBackend;
        return _providers.TryGetValue(backend, out var provider)
            ? provider
            : throw new InvalidOperationException(
                $"Store '{name}' is configured for the '{backend}' backend, which is not registered (registered: {string.Join(", ", _providers.Keys)}). Configure its connection (Aos:Storage:{backend}) or pick another backend.");
    }

    private NamedStoreOptions? OptionsFor(string name) =>
        _options.Stores.TryGetValue(name, out var options) ? options : OptionsForBase(name);

    /// <summary>An agent's or a tenant's scoped store takes the options of the store it narrows.</summary>
    private NamedStoreOptions? OptionsForBase(string name) =>
        name.Length > ScopeLength && name[^ScopeLength] == '-' && name[^(ScopeLength - 1)] is 'a' or 't' && _options.Stores.TryGetValue(name[..^ScopeLength], out var options)
            ? options
            : null;

    /// <summary>
    /// Gets the suffix that names an owner's part of a store: <c>-a</c> (an agent) or <c>-t</c> (a tenant) and ten base-32 characters of
    /// the SHA-256 of its id.
    /// </summary>
    private static string Scope(char kind, string owner)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(owner));
        var scope = new StringBuilder(ScopeLength).Append('-').Append(kind);
        ulong bits = BitConverter.ToUInt64(hash, 0);
        for (var i = 0; i < ScopeLength - 2; i++)
        {
            scope.Append(Alphabet[(int)(bits & 31)]);
            bits >>= 5;
        }

        return scope.ToString();
    }

    /// <summary>Names an owner's part of a store: the store's name and the owner's scope suffix.</summary>
    private static string Narrow(string store, string scope)
    {
        StorageNames.ValidateName(store, "store name");
        if (store.Length > MaxAgentStoreNameLength)
        {
            throw new AosValidationException($"An agent's store name is at most {MaxAgentStoreNameLength} characters; '{store}' has {store.Length}.") { Field = "store name", TooLarge = true };
        }

        return store + scope;
    }

    private sealed class ScopedStorage(StorageCatalog catalog, string scope) : IStorageScope
    {
        public IBlobStore Blobs(string store) => catalog.GetBlobStore(Scoped(store));

        public ITableStore Tables(string store) => catalog.GetTableStore(Scoped(store));

        public IQueueStore Queues(string store) => catalog.GetQueueStore(Scoped(store));

        public IDocumentStore Documents(string store) => catalog.GetDocumentStore(Scoped(store));

        private string Scoped(string store) => Narrow(store, scope);
    }
}
