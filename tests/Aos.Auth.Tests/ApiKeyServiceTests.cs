using System.Text;
using Aos.Security;
using Aos.Security.ApiKeys;
using Aos.Security.Roles;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Auth.Tests;

/// <summary>API keys on the embedded SQLite store: shown once, stored hashed, checked in full, expiring and revocable.</summary>
public sealed class ApiKeyServiceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-auth-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;
    private StorageCatalog _catalog = null!;
    private Identity _identity = null!;
    private ApiKeyService _keys = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        _catalog = new StorageCatalog([new SqliteStorageProvider(_database, _time)], Options.Create(new StorageOptions()));
        _identity = Identity.Create(_catalog, _time);
        _keys = new ApiKeyService(_catalog, _time, _identity.Roles);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Create_ThenAuthenticate_GivesTheKeyWithItsTenantAndRoles()
    {
        await _identity.Tenants.CreateAsync(new() { Name = "acme" }, Ct);
        var created = await _keys.CreateAsync(new ApiKeyRequest { Name = "ci", Tenant = "acme", Roles = [AosRoles.AgentManager] }, Ct);

        Assert.StartsWith("aos_" + created.Key.Id + "_", created.Secret, StringComparison.Ordinal);
        Assert.Equal("aos_" + created.Key.Id, created.Key.Prefix);
        var key = await _keys.AuthenticateAsync(created.Secret, Ct);
        Assert.NotNull(key);
        Assert.Equal(("ci", "acme"), (key.Name, key.Tenant));
        Assert.Equal([AosRoles.AgentManager], key.Roles);
    }

    [Fact]
    public async Task Authenticate_WrongSecretOrIdOrShape_IsRefused()
    {
        var created = await _keys.CreateAsync(new ApiKeyRequest { Name = "ci" }, Ct);
        var other = await _keys.CreateAsync(new ApiKeyRequest { Name = "other" }, Ct);
        var secretOfOther = other.Secret["aos_0123456789ab_".Length..];
        var flipped = created.Secret[..^1] + (created.Secret[^1] == 'A' ? 'B' : 'A');

        Assert.Null(await _keys.AuthenticateAsync(flipped, Ct));
        Assert.Null(await _keys.AuthenticateAsync($"aos_{created.Key.Id}_{secretOfOther}", Ct));
        Assert.Null(await _keys.AuthenticateAsync("aos_000000000000_" + secretOfOther, Ct));
        Assert.Null(await _keys.AuthenticateAsync(created.Secret + "x", Ct));
        Assert.Null(await _keys.AuthenticateAsync("Bearer " + created.Secret, Ct));
        Assert.Null(await _keys.AuthenticateAsync(string.Empty, Ct));
        Assert.NotNull(await _keys.AuthenticateAsync(created.Secret, Ct));
    }

    [Fact]
    public async Task StoredKey_HoldsOnlyTheHashOfTheSecret()
    {
        var created = await _keys.CreateAsync(new ApiKeyRequest { Name = "ci" }, Ct);
        var secret = created.Secret["aos_0123456789ab_".Length..];

        var stored = await _catalog.GetDocumentStore(AosIdentityStore.Name).GetAsync("api-keys", created.Key.Id, created.Key.Id, Ct);

        Assert.NotNull(stored);
        var json = stored.Document.GetRawText();
        Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(secret))), json, StringComparison.Ordinal);
        Assert.All(await _keys.ListAsync(null, Ct).ToListAsync(Ct), k => Assert.DoesNotContain(secret, k.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredKey_StopsAuthenticatingAtItsExpiry()
    {
        var created = await _keys.CreateAsync(new ApiKeyRequest { Name = "ci", ExpiresAt = _time.GetUtcNow().AddHours(1) }, Ct);

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await _keys.AuthenticateAsync(created.Secret, Ct));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await _keys.AuthenticateAsync(created.Secret, Ct));
    }

    [Fact]
    public async Task Revoke_StopsTheKeyAtOnce_AndKeepsTheFirstRevocationTime()
    {
        var created = await _keys.CreateAsync(new ApiKeyRequest { Name = "ci" }, Ct);
        var kept = await _keys.CreateAsync(new ApiKeyRequest { Name = "kept" }, Ct);

        var revoked = await _keys.RevokeAsync(created.Key.Id, Ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var again = await _keys.RevokeAsync(created.Key.Id, Ct);

        Assert.Equal(_time.GetUtcNow().AddMinutes(-5), revoked!.RevokedAt);
        Assert.Equal(revoked.RevokedAt, again!.RevokedAt);
        Assert.Null(await _keys.AuthenticateAsync(created.Secret, Ct));
        Assert.NotNull(await _keys.AuthenticateAsync(kept.Secret, Ct));
        Assert.Null(await _keys.RevokeAsync("000000000000", Ct));
        Assert.Null(await _keys.RevokeAsync("not-an-id", Ct));
    }

    [Fact]
    public async Task List_ByTenant_GivesThatTenantsKeysOldestFirst()
    {
        await _identity.Tenants.CreateAsync(new() { Name = "acme" }, Ct);
        await _identity.Tenants.CreateAsync(new() { Name = "globex" }, Ct);
        await _keys.CreateAsync(new ApiKeyRequest { Name = "a1", Tenant = "acme" }, Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _keys.CreateAsync(new ApiKeyRequest { Name = "g1", Tenant = "globex" }, Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _keys.CreateAsync(new ApiKeyRequest { Name = "a2", Tenant = "acme" }, Ct);

        Assert.Equal(["a1", "a2"], (await _keys.ListAsync("acme", Ct).ToListAsync(Ct)).Select(k => k.Name));
        Assert.Equal(["a1", "g1", "a2"], (await _keys.ListAsync(null, Ct).ToListAsync(Ct)).Select(k => k.Name));
    }

    [Theory]
    [InlineData("", "default", "user", "name")]
    [InlineData("ci", "Acme", "user", "tenant")]
    [InlineData("ci", "-acme", "user", "tenant")]
    [InlineData("ci", "nowhere", "user", "tenant")]
    [InlineData("ci", "default", "root", "roles")]
    [InlineData("ci", "default", "", "roles")]
    public async Task Create_BadInput_IsRefusedNamingTheField_AndCreatesNothing(string name, string tenant, string role, string field)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () =>
            await _keys.CreateAsync(new ApiKeyRequest { Name = name, Tenant = tenant, Roles = role.Length == 0 ? [] : [role] }, Ct));

        Assert.Equal(field, error.Field);
        Assert.Empty(await _keys.ListAsync(null, Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Create_InATenantThatDoesNotExist_SaysToCreateItFirst()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await _keys.CreateAsync(new ApiKeyRequest { Name = "ci", Tenant = "acme" }, Ct));

        Assert.Contains("create the tenant first with POST /v1/tenants", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithACustomRoleOfItsTenant_Works_ButNotWithAnotherTenantsRole()
    {
        await _identity.Tenants.CreateAsync(new() { Name = "acme" }, Ct);
        await _identity.Tenants.CreateAsync(new() { Name = "globex" }, Ct);
        await _identity.Roles.CreateAsync("acme", new RoleRequest { Name = "reader", Permissions = [Permissions.AgentsRead] }, Ct);

        var created = await _keys.CreateAsync(new ApiKeyRequest { Name = "ci", Tenant = "acme", Roles = ["reader"] }, Ct);
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await _keys.CreateAsync(new ApiKeyRequest { Name = "ci", Tenant = "globex", Roles = ["reader"] }, Ct));

        Assert.Equal(["reader"], created.Key.Roles);
        Assert.Equal("roles", error.Field);
        Assert.Contains("'reader' is no role of the tenant 'globex'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ExpiryInThePast_IsRefused()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () =>
            await _keys.CreateAsync(new ApiKeyRequest { Name = "ci", ExpiresAt = _time.GetUtcNow() }, Ct));

        Assert.Equal("expiresAt", error.Field);
    }

    [Fact]
    public async Task AdminKeyFile_IsCreatedOwnerOnly_ReusedWhileItWorks_AndReplacedOnceRevoked()
    {
        var (path, created) = await AdminKeyFile.EnsureAsync(_keys, _directory, Ct);

        Assert.True(created);
        Assert.Equal(Path.Combine(_directory, "credentials", "admin.key"), path);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }

        var first = (await File.ReadAllTextAsync(path, Ct)).Trim();
        var key = await _keys.AuthenticateAsync(first, Ct);
        Assert.Equal([AosRoles.Superuser], key!.Roles);
        Assert.Equal(AosTenants.Default, key.Tenant);

        Assert.False((await AdminKeyFile.EnsureAsync(_keys, _directory, Ct)).Created);
        Assert.Equal(first, (await File.ReadAllTextAsync(path, Ct)).Trim());

        await _keys.RevokeAsync(key.Id, Ct);
        Assert.True((await AdminKeyFile.EnsureAsync(_keys, _directory, Ct)).Created);
        var second = (await File.ReadAllTextAsync(path, Ct)).Trim();
        Assert.NotEqual(first, second);
        Assert.NotNull(await _keys.AuthenticateAsync(second, Ct));
    }
}
