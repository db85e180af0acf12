using System.Collections.Frozen;
using System.Text.Json;
using Aos.Security.ApiKeys;
using Aos.Security.Tenants;
using Aos.Storage;

namespace Aos.Security.Roles;

/// <summary>
/// Answers "does this role grant this permission in this tenant?" from memory: the built-in roles, every tenant's custom roles, the
/// tenants that exist and the cross-tenant role assignments, as last read from the store.
/// </summary>
/// <remarks>
/// <para>
/// The permission check runs on every request and system call, so it never reads the store and never allocates: it looks a role up in
/// frozen dictionaries of an immutable snapshot. <see cref="RefreshAsync"/> reads the store and swaps the snapshot; the node that changes
/// a tenant, role or assignment refreshes at once, every node refreshes periodically (<c>Aos:Auth:RoleCatalogRefresh</c>, 5 s by default),
/// so a change made on another node holds everywhere within that window. A deleted role grants nothing from the next refresh on.
/// </para>
/// <para>Thread-safe: readers see one whole snapshot; concurrent refreshes keep the one that started last.</para>
/// </remarks>
public sealed class RoleCatalog
{
    private static readonly Snapshot Empty = new(0, FrozenSet<string>.Empty, FrozenDictionary<string, FrozenDictionary<string, FrozenSet<string>>>.Empty, FrozenDictionary<string, FrozenDictionary<string, string[]>>.Empty);

    private readonly StorageCatalog _catalog;
    private Snapshot _snapshot = Empty;
    private long _refreshes;

    /// <summary>Initializes a new instance of the <see cref="RoleCatalog"/> class, empty until the first <see cref="RefreshAsync"/>.</summary>
    /// <param name="catalog">The named stores.</param>
    public RoleCatalog(StorageCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    /// <summary>Tells whether a role grants a permission in a tenant.</summary>
    /// <param name="tenant">The tenant the role is defined in (for a custom role).</param>
    /// <param name="role">A built-in role, or a custom role of <paramref name="tenant"/>.</param>
    /// <param name="permission">The permission.</param>
    /// <returns><see langword="true"/> when it does; <see langword="false"/> for an unknown or deleted role.</returns>
    public bool Grants(string tenant, string role, string permission)
    {
        if (AosRoles.IsBuiltIn(role))
        {
            return AosRoles.PermissionsOf(role).Contains(permission);
        }

        return Volatile.Read(ref _snapshot).Roles.TryGetValue(tenant, out var roles) && roles.TryGetValue(role, out var permissions) && permissions.Contains(permission);
    }

    /// <summary>Tells whether any of a set of roles grants a permission in a tenant.</summary>
    /// <param name="tenant">The tenant the roles are defined in.</param>
    /// <param name="roles">The roles.</param>
    /// <param name="permission">The permission.</param>
    /// <returns><see langword="true"/> when one of them does.</returns>
    public bool Grants(string tenant, IReadOnlyList<string> roles, string permission)
    {
        ArgumentNullException.ThrowIfNull(roles);
        for (var i = 0; i < roles.Count; i++)
        {
            if (Grants(tenant, roles[i], permission))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets the permissions a role grants in a tenant.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="role">The role.</param>
    /// <returns>The permissions; empty for an unknown role.</returns>
    public IReadOnlySet<string> PermissionsOf(string tenant, string role) =>
        AosRoles.IsBuiltIn(role) ? AosRoles.PermissionsOf(role)
        : Volatile.Read(ref _snapshot).Roles.TryGetValue(tenant, out var roles) && roles.TryGetValue(role, out var permissions) ? permissions
        : FrozenSet<string>.Empty;

    /// <summary>Tells whether a tenant exists; <c>default</c> always does.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool TenantExists(string tenant) => tenant == AosTenants.Default || Volatile.Read(ref _snapshot).Tenants.Contains(tenant);

    /// <summary>Gets the roles assigned to a principal in a tenant other than its own.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="principalId">The principal: <c>api-key:{id}</c> or <c>user:{tenant}/{username}</c>.</param>
    /// <returns>The roles; empty without an assignment.</returns>
    public IReadOnlyList<string> AssignedRoles(string tenant, string principalId) =>
        Volatile.Read(ref _snapshot).Assignments.TryGetValue(tenant, out var assignments) && assignments.TryGetValue(principalId, out var roles) ? roles : [];

    /// <summary>Reads tenants, custom roles and assignments from the store and makes them the ones checked against.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the new snapshot is in place (or a newer one is).</returns>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var version = Interlocked.Increment(ref _refreshes);
        var store = _catalog.GetDocumentStore(AosIdentityStore.Name);
        var tenants = new HashSet<string>(StringComparer.Ordinal) { AosTenants.Default };
        await foreach (var stored in store.QueryAsync(TenantService.Collection, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(stored.Id);
        }

        var roles = new Dictionary<string, Dictionary<string, FrozenSet<string>>>(StringComparer.Ordinal);
        await foreach (var stored in store.QueryAsync(RoleService.RolesCollection, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (stored.Document.Deserialize(AuthJsonContext.Default.RoleDocument) is { } role)
            {
                (roles.TryGetValue(role.Tenant, out var ofTenant) ? ofTenant : roles[role.Tenant] = new(StringComparer.Ordinal))[role.Name] = role.Permissions.ToFrozenSet(StringComparer.Ordinal);
            }
        }

        var assignments = new Dictionary<string, Dictionary<string, string[]>>(StringComparer.Ordinal);
        await foreach (var stored in store.QueryAsync(RoleService.AssignmentsCollection, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (stored.Document.Deserialize(AuthJsonContext.Default.RoleAssignmentDocument) is { } assignment)
            {
                (assignments.TryGetValue(assignment.Tenant, out var ofTenant) ? ofTenant : assignments[assignment.Tenant] = new(StringComparer.Ordinal))[assignment.PrincipalId] = assignment.Roles;
            }
        }

        var next = new Snapshot(
            version,
            tenants.ToFrozenSet(StringComparer.Ordinal),
            roles.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal),
            assignments.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal));

        // A refresh that started earlier may finish later; it must not replace what a later one read.
        var current = Volatile.Read(ref _snapshot);
        while (current.Version < version)
        {
            var seen = Interlocked.CompareExchange(ref _snapshot, next, current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    private sealed record Snapshot(
        long Version,
        FrozenSet<string> Tenants,
        FrozenDictionary<string, FrozenDictionary<string, FrozenSet<string>>> Roles,
        FrozenDictionary<string, FrozenDictionary<string, string[]>> Assignments);
}
