using Aos.Security;
using Aos.Security.ApiKeys;
using Aos.Security.Roles;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Auth.Tests;

/// <summary>Custom roles and role assignments: validated, kept per tenant, and resolved from memory by the role catalog.</summary>
public sealed class RoleServiceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-roles-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;
    private StorageCatalog _catalog = null!;
    private Identity _identity = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RoleService Roles => _identity.Roles;

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        _catalog = new StorageCatalog([new SqliteStorageProvider(_database, _time)], Options.Create(new StorageOptions()));
        _identity = Identity.Create(_catalog, _time);
        await _identity.Tenants.CreateAsync(new() { Name = "acme" }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Create_ThenList_GivesBuiltInRolesThenTheTenantsOwn()
    {
        var role = await Roles.CreateAsync("acme", new RoleRequest { Name = "auditor", Description = "Reads.", Permissions = [Permissions.MessagesRead, Permissions.AgentsRead] }, Ct);

        Assert.Equal([Permissions.AgentsRead, Permissions.MessagesRead], role.Permissions);
        var listed = await Roles.ListAsync("acme", Ct).ToListAsync(Ct);
        Assert.Equal([.. AosRoles.All, "auditor"], listed.Select(r => r.Name));
        Assert.True(listed.Take(AosRoles.All.Count).All(r => r.BuiltIn));
        Assert.DoesNotContain(await Roles.ListAsync(AosTenants.Default, Ct).ToListAsync(Ct), r => r.Name == "auditor");
    }

    [Theory]
    [InlineData("admin", "agents:read", "name", "built-in role")]
    [InlineData("Auditor", "agents:read", "name", "not valid")]
    [InlineData("auditor", "agents:fly", "permissions", "'agents:fly' is no permission")]
    [InlineData("auditor", "", "permissions", "one or more permissions")]
    public async Task Create_BadInput_IsRefusedNamingTheFieldAndTheCulprit(string name, string permission, string field, string message)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () =>
            await Roles.CreateAsync("acme", new RoleRequest { Name = name, Permissions = permission.Length == 0 ? [] : [permission] }, Ct));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(AosRoles.All.Count, await Roles.ListAsync("acme", Ct).CountAsync(Ct));
    }

    [Fact]
    public async Task Create_InATenantThatDoesNotExist_OrTwice_IsRefused()
    {
        var request = new RoleRequest { Name = "auditor", Permissions = [Permissions.AgentsRead] };
        await Roles.CreateAsync("acme", request, Ct);

        Assert.Equal("tenant", (await Assert.ThrowsAsync<AosValidationException>(async () => await Roles.CreateAsync("globex", request, Ct))).Field);
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Roles.CreateAsync("acme", request, Ct));
    }

    [Fact]
    public async Task Catalog_ResolvesCustomRolesPerTenant_FollowsUpdates_AndStopsGrantingADeletedRole()
    {
        var catalog = _identity.Catalog;
        await Roles.CreateAsync("acme", new RoleRequest { Name = "auditor", Permissions = [Permissions.AgentsRead] }, Ct);

        Assert.True(catalog.Grants("acme", ["guest", "auditor"], Permissions.AgentsRead));
        Assert.True(catalog.Grants("acme", "auditor", Permissions.AgentsRead));
        Assert.False(catalog.Grants("acme", "auditor", Permissions.AgentsWrite));
        Assert.False(catalog.Grants(AosTenants.Default, "auditor", Permissions.AgentsRead));

        await Roles.UpdateAsync("acme", new RoleRequest { Name = "auditor", Permissions = [Permissions.AgentsWrite] }, Ct);
        Assert.True(catalog.Grants("acme", "auditor", Permissions.AgentsWrite));
        Assert.False(catalog.Grants("acme", "auditor", Permissions.AgentsRead));

        Assert.True(await Roles.DeleteAsync("acme", "auditor", Ct));
        Assert.False(catalog.Grants("acme", "auditor", Permissions.AgentsWrite));
        Assert.Null(await Roles.UpdateAsync("acme", new RoleRequest { Name = "auditor", Permissions = [Permissions.AgentsRead] }, Ct));
    }

    [Fact]
    public async Task Catalog_OfAnotherNode_SeesAChangeOnlyAtItsNextRefresh()
    {
        var otherNode = new RoleCatalog(_catalog);
        await otherNode.RefreshAsync(Ct);
        await Roles.CreateAsync("acme", new RoleRequest { Name = "auditor", Permissions = [Permissions.AgentsRead] }, Ct);

        Assert.False(otherNode.Grants("acme", "auditor", Permissions.AgentsRead));
        await otherNode.RefreshAsync(Ct);
        Assert.True(otherNode.Grants("acme", "auditor", Permissions.AgentsRead));
    }

    [Fact]
    public async Task Assign_GivesAPrincipalOfAnotherTenantRolesThere_UntilUnassigned()
    {
        var keys = new ApiKeyService(_catalog, _time, Roles);
        var key = await keys.CreateAsync(new ApiKeyRequest { Name = "ci", Tenant = "acme" }, Ct);
        var principal = "api-key:" + key.Key.Id;

        var assignment = await Roles.AssignAsync(AosTenants.Default, principal, [AosRoles.Guest], Ct);

        Assert.Equal((AosTenants.Default, principal), (assignment.Tenant, assignment.PrincipalId));
        Assert.Equal([AosRoles.Guest], _identity.Catalog.AssignedRoles(AosTenants.Default, principal));
        Assert.Single(await Roles.ListAssignmentsAsync(AosTenants.Default, Ct).ToListAsync(Ct));
        Assert.True(await Roles.UnassignAsync(AosTenants.Default, principal, Ct));
        Assert.Empty(_identity.Catalog.AssignedRoles(AosTenants.Default, principal));
        Assert.False(await Roles.UnassignAsync(AosTenants.Default, principal, Ct));
    }

    [Theory]
    [InlineData("api-key:000000000000", "There is no principal")]
    [InlineData("user:acme/nobody", "There is no principal")]
    [InlineData("root", "There is no principal")]
    public async Task Assign_UnknownPrincipal_IsRefused(string principal, string message)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Roles.AssignAsync(AosTenants.Default, principal, [AosRoles.Guest], Ct));

        Assert.Equal("principalId", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assign_APrincipalInItsOwnTenant_IsRefused()
    {
        var key = await new ApiKeyService(_catalog, _time, Roles).CreateAsync(new ApiKeyRequest { Name = "ci", Tenant = "acme" }, Ct);

        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Roles.AssignAsync("acme", "api-key:" + key.Key.Id, [AosRoles.Guest], Ct));

        Assert.Contains("change its own roles instead", error.Message, StringComparison.Ordinal);
    }
}
