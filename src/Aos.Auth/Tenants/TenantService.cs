using System.Runtime.CompilerServices;
using System.Text.Json;
using Aos.Security.ApiKeys;
using Aos.Security.Roles;
using Aos.Security.Users;
using Aos.Storage;

namespace Aos.Security.Tenants;

/// <summary>Keeps the registry of tenants in the document store <see cref="AosIdentityStore.Name"/>.</summary>
/// <remarks>
/// <para>
/// The <see cref="AosTenants.Default"/> tenant always exists: it is written the first time it is read, and can be neither created nor
/// deleted. Another tenant must be created before API keys, users or roles can be created in it. A tenant is deleted only when no
/// active API key (not revoked, not expired) and no local user belongs to it any more; its custom roles and role assignments go with it.
/// </para>
/// <para>Every change refreshes the node's <see cref="RoleCatalog"/> at once; other nodes see it at their next refresh. Thread-safe.</para>
/// </remarks>
public sealed class TenantService
{
    internal const string Collection = "tenants";
    private const string Partition = "tenants";

    private readonly StorageCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly RoleCatalog _roles;

    /// <summary>Initializes a new instance of the <see cref="TenantService"/> class.</summary>
    /// <param name="catalog">The named stores.</param>
    /// <param name="timeProvider">The clock of creation.</param>
    /// <param name="roles">The node's role catalog, refreshed after every change.</param>
    public TenantService(StorageCatalog catalog, TimeProvider timeProvider, RoleCatalog roles)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(roles);
        _catalog = catalog;
        _timeProvider = timeProvider;
        _roles = roles;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(AosIdentityStore.Name);

    /// <summary>Creates a tenant.</summary>
    /// <param name="request">The name and display name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The tenant.</returns>
    /// <exception cref="AosValidationException">The name or display name is not valid; nothing was created.</exception>
    /// <exception cref="StorageConflictException">A tenant with that name exists (<c>default</c> always does); nothing was changed.</exception>
    public async ValueTask<Tenant> CreateAsync(TenantRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        AosTenants.Validate(request.Name, "name");
        var displayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.Name : request.DisplayName.Trim();
        if (displayName.Length > 100 || displayName.Any(char.IsControl))
        {
            throw new AosValidationException("The display name must be 1 to 100 characters without control characters.") { Field = "displayName" };
        }

        if (request.Name == AosTenants.Default)
        {
            throw new StorageConflictException($"The tenant '{AosTenants.Default}' always exists; choose another name.");
        }

        var document = new TenantDocument(request.Name, displayName, _timeProvider.GetUtcNow());
        try
        {
            await Store.AddAsync(Collection, Partition, request.Name, Serialize(document), cancellationToken).ConfigureAwait(false);
        }
        catch (StorageConflictException)
        {
            throw new StorageConflictException($"The tenant '{request.Name}' exists already; see it with GET /v1/tenants/{request.Name}.");
        }

        await _roles.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return document.ToTenant();
    }

    /// <summary>Gets a tenant.</summary>
    /// <param name="name">The tenant's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The tenant, or <see langword="null"/> when there is none with that name.</returns>
    public async ValueTask<Tenant?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!AosTenants.IsValid(name))
        {
            return null;
        }

        if (await Store.GetAsync(Collection, Partition, name, cancellationToken).ConfigureAwait(false) is { } stored && Deserialize(stored.Document) is { } document)
        {
            return document.ToTenant();
        }

        return name == AosTenants.Default ? await EnsureDefaultAsync(cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>Tells whether a tenant exists, reading the store (not the cache).</summary>
    /// <param name="name">The tenant's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public async ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        name == AosTenants.Default || (AosTenants.IsValid(name) && await Store.GetAsync(Collection, Partition, name, cancellationToken).ConfigureAwait(false) is not null);

    /// <summary>Checks that a tenant exists, for creating something in it.</summary>
    /// <param name="name">The tenant's name.</param>
    /// <param name="field">The field named in the error.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <exception cref="AosValidationException">The name is not valid, or there is no such tenant; the message says how to create it.</exception>
    public async ValueTask EnsureExistsAsync(string name, string field = "tenant", CancellationToken cancellationToken = default)
    {
        AosTenants.Validate(name, field);
        if (!await ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw new AosValidationException($"There is no tenant '{name}': create the tenant first with POST /v1/tenants (aos tenants create {name}).") { Field = field };
        }
    }

    /// <summary>Lists the tenants by name, <c>default</c> included.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The tenants.</returns>
    public async IAsyncEnumerable<Tenant> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureDefaultAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var stored in Store.QueryAsync(Collection, Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(stored.Document) is { } document)
            {
                yield return document.ToTenant();
            }
        }
    }

    /// <summary>Deletes a tenant that no principal belongs to any more, with its custom roles and role assignments.</summary>
    /// <param name="name">The tenant's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the tenant existed.</returns>
    /// <exception cref="AosValidationException">The tenant is <c>default</c>, which cannot be deleted.</exception>
    /// <exception cref="TenantInUseException">Active API keys or local users still belong to it (the message counts them); nothing was changed.</exception>
    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == AosTenants.Default)
        {
            throw new AosValidationException($"The tenant '{AosTenants.Default}' cannot be deleted.") { Field = "name" };
        }

        if (!await ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        var keys = 0;
        await foreach (var stored in Store.QueryAsync(ApiKeyService.Collection, null, [new FieldCondition("tenant", ComparisonOperator.Equal, name)], cancellationToken).ConfigureAwait(false))
        {
            if (stored.Document.Deserialize(AuthJsonContext.Default.ApiKeyDocument) is { } key && key.ToKey().IsActiveAt(now))
            {
                keys++;
            }
        }

        var users = await Store.QueryAsync(UserService.Collection, name, cancellationToken: cancellationToken).CountAsync(cancellationToken).ConfigureAwait(false);
        if (keys > 0 || users > 0)
        {
            throw new TenantInUseException(
                $"The tenant '{name}' still has {keys} active API key(s) and {users} local user(s): revoke the keys (DELETE /v1/api-keys/{{id}}) and delete the users (DELETE /v1/users/{{username}}, with X-Aos-Tenant: {name}) first.");
        }

        await Store.DeleteAsync(Collection, Partition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var collection in (string[])[RoleService.RolesCollection, RoleService.AssignmentsCollection])
        {
            var ids = await Store.QueryAsync(collection, name, cancellationToken: cancellationToken).Select(d => d.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var id in ids)
            {
                await Store.DeleteAsync(collection, name, id, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        await _roles.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask<Tenant> EnsureDefaultAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await Store.GetAsync(Collection, Partition, AosTenants.Default, cancellationToken).ConfigureAwait(false) is { } stored && Deserialize(stored.Document) is { } existing)
            {
                return existing.ToTenant();
            }

            var document = new TenantDocument(AosTenants.Default, "Default tenant", _timeProvider.GetUtcNow());
            try
            {
                await Store.AddAsync(Collection, Partition, AosTenants.Default, Serialize(document), cancellationToken).ConfigureAwait(false);
                return document.ToTenant();
            }
            catch (StorageConflictException)
            {
                // Another node wrote it first: read what it wrote.
            }
        }
    }

    private static JsonElement Serialize(TenantDocument document) => JsonSerializer.SerializeToElement(document, AuthJsonContext.Default.TenantDocument);

    private static TenantDocument? Deserialize(JsonElement document) => document.Deserialize(AuthJsonContext.Default.TenantDocument);
}
