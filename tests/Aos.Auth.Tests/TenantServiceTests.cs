using Aos.Security;
using Aos.Security.ApiKeys;
using Aos.Security.Roles;
using Aos.Security.Tenants;
using Aos.Security.Users;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Auth.Tests;

/// <summary>The tenant registry: default always exists, names are unique and valid, and a tenant in use cannot be deleted.</summary>
public sealed class TenantServiceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-tenants-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;
    private StorageCatalog _catalog = null!;
    private Identity _identity = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TenantService Tenants => _identity.Tenants;

    public ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        _catalog = new StorageCatalog([new SqliteStorageProvider(_database, _time)], Options.Create(new StorageOptions()));
        _identity = Identity.Create(_catalog, _time);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Create_ThenGetAndList_IncludingTheDefaultTenant()
    {
        var created = await Tenants.CreateAsync(new TenantRequest { Name = "acme", DisplayName = "Acme Corp." }, Ct);

        Assert.Equal(("acme", "Acme Corp.", _time.GetUtcNow()), (created.Name, created.DisplayName, created.CreatedAt));
        Assert.Equal(created, await Tenants.GetAsync("acme", Ct));
        Assert.Equal(["acme", "default"], (await Tenants.ListAsync(Ct).ToListAsync(Ct)).Select(t => t.Name));
        Assert.Null(await Tenants.GetAsync("globex", Ct));
        Assert.True(_identity.Catalog.TenantExists("acme"));
    }

    [Fact]
    public async Task Create_Twice_OrDefault_IsAConflict()
    {
        await Tenants.CreateAsync(new TenantRequest { Name = "acme" }, Ct);

        var twice = await Assert.ThrowsAsync<StorageConflictException>(async () => await Tenants.CreateAsync(new TenantRequest { Name = "acme" }, Ct));
        var @default = await Assert.ThrowsAsync<StorageConflictException>(async () => await Tenants.CreateAsync(new TenantRequest { Name = AosTenants.Default }, Ct));

        Assert.Contains("exists already", twice.Message, StringComparison.Ordinal);
        Assert.Contains("always exists", @default.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Acme", "x", "name")]
    [InlineData("-acme", "x", "name")]
    [InlineData("acme", "bad\nname", "displayName")]
    public async Task Create_BadInput_IsRefusedNamingTheField(string name, string displayName, string field)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Tenants.CreateAsync(new TenantRequest { Name = name, DisplayName = displayName }, Ct));

        Assert.Equal(field, error.Field);
        Assert.Equal(["default"], (await Tenants.ListAsync(Ct).ToListAsync(Ct)).Select(t => t.Name));
    }

    [Fact]
    public async Task Delete_WhileActiveKeysOrUsersRemain_IsRefused_ThenRemovesTheTenantWithItsRoles()
    {
        var keys = new ApiKeyService(_catalog, _time, _identity.Roles);
        var users = new UserService(_catalog, _time, new PasswordOptions { Iterations = 1_000 }, _identity.Roles);
        await Tenants.CreateAsync(new TenantRequest { Name = "acme" }, Ct);
        await _identity.Roles.CreateAsync("acme", new RoleRequest { Name = "reader", Permissions = [Permissions.AgentsRead] }, Ct);
        var key = await keys.CreateAsync(new ApiKeyRequest { Name = "ci", Tenant = "acme" }, Ct);
        await users.CreateAsync(new UserRequest { Username = "ada", Password = "correct horse battery", Tenant = "acme" }, Ct);

        var inUse = await Assert.ThrowsAsync<TenantInUseException>(async () => await Tenants.DeleteAsync("acme", Ct));
        Assert.Contains("1 active API key(s) and 1 local user(s)", inUse.Message, StringComparison.Ordinal);
        await keys.RevokeAsync(key.Key.Id, Ct);
        await users.DeleteAsync("acme", "ada", Ct);

        Assert.True(await Tenants.DeleteAsync("acme", Ct));
        Assert.False(await Tenants.DeleteAsync("acme", Ct));
        Assert.Null(await Tenants.GetAsync("acme", Ct));
        Assert.False(_identity.Catalog.TenantExists("acme"));
        Assert.False(_identity.Catalog.Grants("acme", "reader", Permissions.AgentsRead));
        await Tenants.CreateAsync(new TenantRequest { Name = "acme" }, Ct);
        Assert.Null(await _identity.Roles.GetAsync("acme", "reader", Ct));
    }

    [Fact]
    public async Task Delete_TheDefaultTenant_IsRefused() =>
        Assert.Equal("name", (await Assert.ThrowsAsync<AosValidationException>(async () => await Tenants.DeleteAsync(AosTenants.Default, Ct))).Field);
}
