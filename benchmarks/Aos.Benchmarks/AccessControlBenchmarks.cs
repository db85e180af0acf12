using System.Security.Claims;
using Aos.Agents;
using Aos.Security;
using Aos.Security.Tokens;
using Aos.Server.Security;
using Aos.Storage;
using Aos.Storage.Sqlite;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Aos.Benchmarks;

/// <summary>
/// The cost of access control on every request: validating an AOS access token (against IdentityModel's own validation of the same
/// token with the same key, the baseline), and the RBAC check of a route's permission (the role lookup alone, and the ASP.NET Core
/// authorization handler AOS runs), and the agent-grant checks of a system call (alone, and with the role lookup: "RBAC + grant").
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AccessControlBenchmarks : IDisposable
{
    private static readonly string[] Roles = [AosRoles.User, AosRoles.AgentManager];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-bench-auth-" + Guid.NewGuid().ToString("N"));
    private readonly JsonWebTokenHandler _raw = new();
    private SqliteDatabase _database = null!;
    private AccessTokenService _tokens = null!;
    private string _token = null!;
    private TokenValidationParameters _rawParameters = null!;
    private PermissionHandler _handler = null!;
    private ClaimsPrincipal _principal = null!;
    private PermissionRequirement[] _requirement = null!;
    private Aos.Security.Roles.RoleCatalog _roles = null!;
    private Aos.Security.Sessions.SessionService _sessions = null!;
    private string _sessionToken = null!;

    // A realistic grant list: a few named agents, a few prefixes and topic patterns; the target and topic match the last entries.
    private readonly AgentGrants _grants = new()
    {
        Agents = ["billing", "ledger", "fx-rates", "audit-*", "ops-*", "reports-eu-*", "treasury"],
        Topics = ["invoices.created", "invoices.*.paid", "payments.>", "fx.*.updated", "audit.events.>"],
    };

    private readonly AgentId _target = AgentId.Parse("treasury");

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        var catalog = new StorageCatalog([new SqliteStorageProvider(_database, TimeProvider.System)], Options.Create(new StorageOptions()));
        _tokens = new AccessTokenService(catalog, TimeProvider.System, new AccessTokenOptions());
        var issued = await _tokens.IssueAsync(new TokenSubject("api-key:0123456789ab", "bench", AosTenants.Default, Roles, "api-key"));
        _token = issued.AccessToken;

        // The same key, read back from the store the service uses: IdentityModel validating issuer, audience, lifetime and signature.
        var stored = await catalog.GetDocumentStore(AosIdentityStore.Name).GetAsync("signing-keys", "keys", issued.KeyId);
        var secret = Convert.FromBase64String(stored!.Document.GetProperty("secret").GetString()!);
        _rawParameters = new TokenValidationParameters
        {
            ValidIssuer = "aos",
            ValidAudience = "aos",
            IssuerSigningKey = new SymmetricSecurityKey(secret) { KeyId = issued.KeyId },
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        };
        if (!(await _raw.ValidateTokenAsync(_token, _rawParameters)).IsValid || await _tokens.ValidateAsync(_token) is null)
        {
            throw new InvalidOperationException("The benchmark token does not validate.");
        }

        var roles = new Aos.Security.Roles.RoleCatalog(catalog);
        await roles.RefreshAsync();
        _roles = roles;
        _handler = new PermissionHandler(roles);

        // As the server validates: signature, then the jti revocation set and the session's state, both cached per node.
        var tenants = new Aos.Security.Tenants.TenantService(catalog, TimeProvider.System, roles);
        var users = new Aos.Security.Users.UserService(
            catalog, TimeProvider.System, new Aos.Security.Users.PasswordOptions(), new Aos.Security.Roles.RoleService(catalog, TimeProvider.System, tenants, roles));
        _sessions = new Aos.Security.Sessions.SessionService(catalog, TimeProvider.System, new Aos.Security.Sessions.SessionLifetimeOptions(), _tokens, users);
        var user = await users.CreateAsync(new Aos.Security.Users.UserRequest { Username = "bench", Password = "a long enough password", Tenant = AosTenants.Default, Roles = Roles });
        _sessionToken = (await _sessions.StartAsync(user)).AccessToken.AccessToken;
        if (await _sessions.ValidateAccessTokenAsync(_token) is null || await _sessions.ValidateAccessTokenAsync(_sessionToken) is null)
        {
            throw new InvalidOperationException("The benchmark tokens do not validate as the server validates them.");
        }
        _principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(AosClaims.Tenant, AosTenants.Default), .. Roles.Select(r => new Claim(ClaimTypes.Role, r))], "aos"));
        _requirement = [new PermissionRequirement(Permissions.WorkflowsDefine)];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _tokens?.Dispose();
        _database?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Token validation")]
    public async Task<bool> IdentityModel_ValidateToken() => (await _raw.ValidateTokenAsync(_token, _rawParameters)).IsValid;

    [Benchmark, BenchmarkCategory("Token validation")]
    public async Task<bool> Aos_ValidateToken() => await _tokens.ValidateAsync(_token) is not null;

    [Benchmark, BenchmarkCategory("Token validation")]
    public async Task<bool> Aos_ValidateToken_AsTheServerDoes() => await _sessions.ValidateAccessTokenAsync(_token) is not null;

    [Benchmark, BenchmarkCategory("Token validation")]
    public async Task<bool> Aos_ValidateSessionToken_AsTheServerDoes() => await _sessions.ValidateAccessTokenAsync(_sessionToken) is not null;

    [Benchmark(Baseline = true), BenchmarkCategory("Permission check")]
    public bool Roles_Grant() => AosRoles.Grants(Roles, Permissions.WorkflowsDefine);

    [Benchmark, BenchmarkCategory("Permission check")]
    public async Task<bool> AuthorizationHandler_Check()
    {
        var context = new AuthorizationHandlerContext(_requirement, _principal, null);
        await _handler.HandleAsync(context);
        return context.HasSucceeded;
    }

    [Benchmark, BenchmarkCategory("Permission check")]
    public bool RolesAndGrant_Check() => _roles.Grants(AosTenants.Default, Roles, Permissions.MessagesSend) && _grants.AllowsAgent(_target);

    [Benchmark, BenchmarkCategory("Permission check")]
    public bool Grant_AllowsAgent() => _grants.AllowsAgent(_target);

    [Benchmark, BenchmarkCategory("Permission check")]
    public bool Grant_AllowsPublish() => _grants.AllowsPublish("audit.events.eu.login");

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }
}
