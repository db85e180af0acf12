using System.Runtime.CompilerServices;
using System.Text.Json;
using Aos.Security.ApiKeys;
using Aos.Security.Tenants;
using Aos.Storage;

namespace Aos.Security.Roles;

/// <summary>Keeps the custom roles of each tenant, and the role assignments that let principals act in other tenants, in the store <see cref="AosIdentityStore.Name"/>.</summary>
/// <remarks>
/// <para>
/// A custom role is a named subset of <see cref="Permissions.All"/> in one tenant; its name may not be a built-in one. Deleting it takes
/// effect at once on this node and at the next refresh elsewhere: keys and users that name it keep the name, which grants nothing
/// (and grants again if a role of that name is created again).
/// </para>
/// <para>Every change refreshes the node's <see cref="RoleCatalog"/> at once. Thread-safe.</para>
/// </remarks>
public sealed partial class RoleService
{
    internal const string RolesCollection = "roles";
    internal const string AssignmentsCollection = "role-assignments";

    private readonly StorageCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly TenantService _tenants;
    private readonly RoleCatalog _roles;

    /// <summary>Initializes a new instance of the <see cref="RoleService"/> class.</summary>
    /// <param name="catalog">The named stores.</param>
    /// <param name="timeProvider">The clock of creation.</param>
    /// <param name="tenants">The tenant registry: roles exist only in tenants that do.</param>
    /// <param name="roles">The node's role catalog, refreshed after every change.</param>
    public RoleService(StorageCatalog catalog, TimeProvider timeProvider, TenantService tenants, RoleCatalog roles)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(roles);
        _catalog = catalog;
        _timeProvider = timeProvider;
        _tenants = tenants;
        _roles = roles;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(AosIdentityStore.Name);

    /// <summary>Creates a custom role in a tenant.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="request">The name, description and permissions.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The role.</returns>
    /// <exception cref="AosValidationException">The tenant does not exist, or the name, description or a permission is not valid (named); nothing was created.</exception>
    /// <exception cref="StorageConflictException">The tenant has a role with that name; nothing was changed.</exception>
    public async ValueTask<Role> CreateAsync(string tenant, RoleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var document = await ValidateAsync(tenant, request, cancellationToken).ConfigureAwait(false);
        try
        {
            await Store.AddAsync(RolesCollection, tenant, request.Name, Serialize(document), cancellationToken).ConfigureAwait(false);
        }
        catch (StorageConflictException)
        {
            throw new StorageConflictException($"The tenant '{tenant}' has a role '{request.Name}' already: change it with PUT /v1/roles/{request.Name}, or choose another name.");
        }

        await _roles.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return document.ToRole();
    }

    /// <summary>Replaces a custom role's description and permissions.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="request">The role's name, and its new description and permissions.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The role as changed, or <see langword="null"/> when the tenant has no custom role with that name.</returns>
    /// <exception cref="AosValidationException">The description or a permission is not valid, or the name is a built-in role; nothing was changed.</exception>
    public async ValueTask<Role?> UpdateAsync(string tenant, RoleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var document = await ValidateAsync(tenant, request, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (await Store.GetAsync(RolesCollection, tenant, request.Name, cancellationToken).ConfigureAwait(false) is not { } stored
                || stored.Document.Deserialize(AuthJsonContext.Default.RoleDocument) is not { } existing)
            {
                return null;
            }

            var changed = document with { CreatedAt = existing.CreatedAt };
            try
            {
                await Store.UpsertAsync(RolesCollection, tenant, request.Name, Serialize(changed), stored.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageConflictException)
            {
                // Changed or deleted since it was read: read it again.
                continue;
            }

            await _roles.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return changed.ToRole();
        }
    }

    /// <summary>Gets a role of a tenant: a built-in role or one of its custom roles.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="name">The role's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The role, or <see langword="null"/> when there is none with that name in the tenant.</returns>
    public async ValueTask<Role?> GetAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(name);
        if (AosRoles.IsBuiltIn(name))
        {
            return BuiltIn(name);
        }

        return IsRoleName(name) && AosTenants.IsValid(tenant) && await Store.GetAsync(RolesCollection, tenant, name, cancellationToken).ConfigureAwait(false) is { } stored
            ? stored.Document.Deserialize(AuthJsonContext.Default.RoleDocument)?.ToRole()
            : null;
    }

    /// <summary>Lists the roles of a tenant: the built-in roles, least privileged first, then its custom roles by name.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The roles.</returns>
    public async IAsyncEnumerable<Role> ListAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        AosTenants.Validate(tenant);
        foreach (var name in AosRoles.All)
        {
            yield return BuiltIn(name);
        }

        await foreach (var stored in Store.QueryAsync(RolesCollection, tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (stored.Document.Deserialize(AuthJsonContext.Default.RoleDocument) is { } document)
            {
                yield return document.ToRole();
            }
        }
    }

    /// <summary>Deletes a custom role: from then on it grants nothing, to every key, user and assignment that names it.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="name">The role's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the role existed.</returns>
    /// <exception cref="AosValidationException">The name is a built-in role, which cannot be deleted.</exception>
    public async ValueTask<bool> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(name);
        if (AosRoles.IsBuiltIn(name))
        {
            throw new AosValidationException($"'{name}' is a built-in role, which cannot be deleted or changed.") { Field = "name" };
        }

        if (!IsRoleName(name) || !AosTenants.IsValid(tenant) || !await Store.DeleteAsync(RolesCollection, tenant, name, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await _roles.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Checks roles to give a key, user or assignment in a tenant, reading the store: the tenant exists, and each role is built in or one of its custom roles.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="roles">The roles.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Every permission the roles grant together.</returns>
    /// <exception cref="AosValidationException">The tenant does not exist, no role was given, or a role is unknown (named, with the ones there are).</exception>
    public async ValueTask<IReadOnlySet<string>> ValidateAssignableAsync(string tenant, IReadOnlyList<string>? roles, CancellationToken cancellationToken = default)
    {
        await _tenants.EnsureExistsAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (roles is not { Count: > 0 })
        {
            throw new AosValidationException($"No role was given: give one or more of {string.Join(", ", AosRoles.All)}, or a custom role of the tenant '{tenant}' (GET /v1/roles).") { Field = "roles" };
        }

        var permissions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in roles)
        {
            if (name is null || await GetAsync(tenant, name, cancellationToken).ConfigureAwait(false) is not { } role)
            {
                throw new AosValidationException($"'{name}' is no role of the tenant '{tenant}': give one or more of {string.Join(", ", AosRoles.All)}, or a custom role listed by GET /v1/roles.") { Field = "roles" };
            }

            permissions.UnionWith(role.Permissions);
        }

        return permissions;
    }

    private async ValueTask<RoleDocument> ValidateAsync(string tenant, RoleRequest request, CancellationToken cancellationToken)
    {
        if (request.Name is not null && AosRoles.IsBuiltIn(request.Name))
        {
            throw new AosValidationException($"'{request.Name}' is a built-in role: a custom role needs another name.") { Field = "name" };
        }

        if (request.Name is null || !IsRoleName(request.Name))
        {
            throw new AosValidationException($"The role name '{request.Name}' is not valid: use 1 to 64 lowercase letters, digits, '_' and '-', starting with a letter.") { Field = "name" };
        }

        if (request.Description is { } description && (description.Length > 200 || description.Any(char.IsControl)))
        {
            throw new AosValidationException("The description must be at most 200 characters without control characters.") { Field = "description" };
        }

        if (request.Permissions is not { Count: > 0 })
        {
            throw new AosValidationException("A role needs one or more permissions; GET /v1/roles shows the built-in roles' permissions.") { Field = "permissions" };
        }

        if (request.Permissions.FirstOrDefault(p => !Permissions.All.Contains(p)) is { } unknown)
        {
            throw new AosValidationException($"'{unknown}' is no permission: use those of {string.Join(", ", Permissions.All)}.") { Field = "permissions" };
        }

        await _tenants.EnsureExistsAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false);
        var permissions = Permissions.All.Where(request.Permissions.Contains).ToArray();
        return new RoleDocument(request.Name, tenant, string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(), permissions, _timeProvider.GetUtcNow());
    }

    private static Role BuiltIn(string name) => new(name, name switch
    {
        AosRoles.Guest => "Reads agents, messages, approvals, state machines and workflows.",
        AosRoles.User => "Also sends messages, runs workflows and state machines, requests and decides approvals.",
        AosRoles.AgentManager => "Also registers agents, defines workflows and state machines, replays dead letters.",
        AosRoles.Admin => "Also manages the tenant's API keys, users, custom roles and role assignments, and takes backups.",
        _ => "Every permission, in every tenant.",
    }, [.. Permissions.All.Where(AosRoles.PermissionsOf(name).Contains)], true, null, null);

    private static bool IsRoleName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-');

    private static JsonElement Serialize(RoleDocument document) => JsonSerializer.SerializeToElement(document, AuthJsonContext.Default.RoleDocument);
}
