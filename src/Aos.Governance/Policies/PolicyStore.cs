using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Storage;

namespace Aos.Governance.Policies;

/// <summary>Keeps the installation's policies, as source text, in the document store <see cref="GovernanceStores.Documents"/>.</summary>
/// <remarks>
/// Policies are installation-wide: one partition holds them all, so every node of a cluster that shares the store reads the same set.
/// The store validates nothing; <see cref="PolicyReloader"/> validates a policy before it writes it here. Thread-safe.
/// </remarks>
public sealed class PolicyStore
{
    internal const string Collection = "policies";

    internal const string Partition = "installation";

    private readonly StorageCatalog _catalog;

    /// <summary>Initializes a new instance of the <see cref="PolicyStore"/> class.</summary>
    /// <param name="catalog">The named stores.</param>
    public PolicyStore(StorageCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(GovernanceStores.Documents);

    /// <summary>Reads every stored policy, ordered by name.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The policies.</returns>
    public async IAsyncEnumerable<StoredPolicy> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var stored in Store.QueryAsync(Collection, Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (stored.Document.Deserialize(PolicyJsonContext.Default.PolicyRecord) is { } record)
            {
                yield return record.ToPolicy(stored.ETag);
            }
        }
    }

    /// <summary>Reads one stored policy.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The policy; <see langword="null"/> when none has that name.</returns>
    public async ValueTask<StoredPolicy?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValidName(name))
        {
            return null;
        }

        return await Store.GetAsync(Collection, Partition, name, cancellationToken).ConfigureAwait(false) is { } stored
            && stored.Document.Deserialize(PolicyJsonContext.Default.PolicyRecord) is { } record
            ? record.ToPolicy(stored.ETag)
            : null;
    }

    /// <summary>Writes a policy's source text, replacing the stored one of the same name.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="format"><c>json</c> or <c>yaml</c>.</param>
    /// <param name="text">The source text.</param>
    /// <param name="updatedAt">When it is written.</param>
    /// <param name="updatedBy">Who writes it.</param>
    /// <param name="ifMatch">The ETag the stored policy must have; <see langword="null"/> for whatever is stored.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The policy as stored.</returns>
    /// <exception cref="StorageConflictException"><paramref name="ifMatch"/> is given and the policy changed or is gone; nothing was changed.</exception>
    public async ValueTask<StoredPolicy> PutAsync(
        string name, string format, string text, DateTimeOffset updatedAt, string updatedBy, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        var record = new PolicyRecord(name, format, text, updatedAt, updatedBy);
        var stored = await Store.UpsertAsync(Collection, Partition, name, JsonSerializer.SerializeToElement(record, PolicyJsonContext.Default.PolicyRecord), ifMatch, cancellationToken)
            .ConfigureAwait(false);
        return record.ToPolicy(stored.ETag);
    }

    /// <summary>Deletes a stored policy.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when a policy was deleted; <see langword="false"/> when none had that name.</returns>
    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsValidName(name) && await Store.DeleteAsync(Collection, Partition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that a policy name can be stored and used in a URL.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="AosValidationException">The name is empty, longer than 100 characters, or holds other than letters, digits, '.', '_' and '-'.</exception>
    public static void ValidateName(string name)
    {
        if (!IsValidName(name))
        {
            throw new AosValidationException(
                $"'{name}' is not a policy name: use 1 to 100 letters, digits, '.', '_' and '-'.") { Field = "name" };
        }
    }

    private static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 100 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    internal sealed record PolicyRecord(string Name, string Format, string Text, DateTimeOffset UpdatedAt, string UpdatedBy)
    {
        public StoredPolicy ToPolicy(string etag) => new(Name, Format, Text, UpdatedAt, UpdatedBy, etag);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PolicyStore.PolicyRecord))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
