using System.Text;
using Aos.Security;
using Aos.Security.Tokens;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Auth.Tests;

/// <summary>Access tokens with a fake clock: expiry, tampering, signing-key rotation without downtime, and two nodes sharing keys.</summary>
public sealed class AccessTokenServiceTests : IAsyncLifetime
{
    private static readonly TokenSubject Alice = new("api-key:0123456789ab", "alice's key", "acme", [AosRoles.User, AosRoles.AgentManager], "api-key");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-tokens-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly AccessTokenOptions _options = new() { Lifetime = TimeSpan.FromMinutes(15), ClockSkew = TimeSpan.FromSeconds(30) };
    private SqliteDatabase _database = null!;
    private StorageCatalog _catalog = null!;
    private AccessTokenService _tokens = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        _catalog = new StorageCatalog([new SqliteStorageProvider(_database, _time)], Options.Create(new StorageOptions()));
        _tokens = new AccessTokenService(_catalog, _time, _options);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _tokens.Dispose();
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Issue_ThenValidate_GivesTheSubjectWithTenantRolesAndExpiry()
    {
        var issued = await _tokens.IssueAsync(Alice, Ct);

        var validated = await _tokens.ValidateAsync(issued.AccessToken, Ct);

        Assert.NotNull(validated);
        Assert.Equal((Alice.Id, Alice.Name, Alice.Tenant, Alice.Kind), (validated.Subject.Id, validated.Subject.Name, validated.Subject.Tenant, validated.Subject.Kind));
        Assert.Equal(Alice.Roles, validated.Subject.Roles);
        Assert.Equal(_time.GetUtcNow().AddMinutes(15), issued.ExpiresAt);
        Assert.Equal(issued.ExpiresAt, validated.ExpiresAt);
        Assert.False(string.IsNullOrEmpty(validated.TokenId));
    }

    [Fact]
    public async Task Token_IsAcceptedUntilExpiryPlusSkew_ThenRefused()
    {
        var issued = await _tokens.IssueAsync(Alice, Ct);

        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(29));
        Assert.NotNull(await _tokens.ValidateAsync(issued.AccessToken, Ct));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await _tokens.ValidateAsync(issued.AccessToken, Ct));
    }

    [Fact]
    public async Task TamperedForeignOrUnsignedTokens_AreRefused()
    {
        var issued = await _tokens.IssueAsync(Alice, Ct);
        var parts = issued.AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url(parts[1])).Replace("\"acme\"", "\"globex\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{ToBase64Url(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        var unsigned = $"{ToBase64Url("""{"alg":"none","typ":"JWT"}"""u8.ToArray())}.{parts[1]}.";

        using var otherDatabase = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.Combine(_directory, "other") });
        using var otherInstallation = new AccessTokenService(new StorageCatalog([new SqliteStorageProvider(otherDatabase, _time)], Options.Create(new StorageOptions())), _time, _options);
        var foreign = await otherInstallation.IssueAsync(Alice, Ct);
        using var otherAudience = new AccessTokenService(_catalog, _time, new AccessTokenOptions { Audience = "someone-else" });

        Assert.Null(await _tokens.ValidateAsync(tampered, Ct));
        Assert.Null(await _tokens.ValidateAsync(unsigned, Ct));
        Assert.Null(await _tokens.ValidateAsync(foreign.AccessToken, Ct));
        Assert.Null(await otherAudience.ValidateAsync(issued.AccessToken, Ct));
        Assert.Null(await _tokens.ValidateAsync("not a token", Ct));
        Assert.NotNull(await _tokens.ValidateAsync(issued.AccessToken, Ct));
    }

    [Fact]
    public async Task Rotation_NewTokensUseTheNewKey_OldTokensStayValidUntilTheyExpire()
    {
        var before = await _tokens.IssueAsync(Alice, Ct);
        _time.Advance(TimeSpan.FromMinutes(5));

        var kid = await _tokens.RotateSigningKeyAsync(Ct);
        var after = await _tokens.IssueAsync(Alice, Ct);

        Assert.NotEqual(before.KeyId, kid);
        Assert.Equal(kid, after.KeyId);
        Assert.NotNull(await _tokens.ValidateAsync(before.AccessToken, Ct));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.NotNull(await _tokens.ValidateAsync(before.AccessToken, Ct)); // 15 min after issue, within the skew
        Assert.NotNull(await _tokens.ValidateAsync(after.AccessToken, Ct));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await _tokens.ValidateAsync(before.AccessToken, Ct));
        Assert.NotNull(await _tokens.ValidateAsync(after.AccessToken, Ct));
    }

    [Fact]
    public async Task TwoNodes_ShareKeys_AndLearnOfARotationFromTheFirstTokenThatNamesTheNewKey()
    {
        using var other = new AccessTokenService(_catalog, _time, _options);
        var fromFirst = await _tokens.IssueAsync(Alice, Ct);
        Assert.NotNull(await other.ValidateAsync(fromFirst.AccessToken, Ct));

        await _tokens.RotateSigningKeyAsync(Ct);
        var rotated = await _tokens.IssueAsync(Alice, Ct);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.NotNull(await other.ValidateAsync(rotated.AccessToken, Ct));
        Assert.NotNull(await other.ValidateAsync(fromFirst.AccessToken, Ct));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(rotated.KeyId, (await other.IssueAsync(Alice, Ct)).KeyId);
    }

    [Fact]
    public void Options_OutOfRange_AreRefusedNamingTheOption()
    {
        var error = Assert.Throws<AosValidationException>(() => new AccessTokenService(_catalog, _time, new AccessTokenOptions { Lifetime = TimeSpan.FromDays(2) }));

        Assert.Contains("Aos:Auth:Tokens:Lifetime", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Base64Url(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static string ToBase64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
