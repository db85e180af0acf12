using System.Text.Json.Serialization;

namespace Aos.Security.ApiKeys;

/// <summary>The stored form of an API key: its description and the SHA-256 of its secret, never the secret.</summary>
internal sealed record ApiKeyDocument(
    string Id,
    string Name,
    string Tenant,
    string[] Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string SecretHash,
    string? Agent = null)
{
    public ApiKey ToKey() => new(Id, Name, Tenant, Roles, CreatedAt, ExpiresAt, RevokedAt) { Agent = Agent };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ApiKeyDocument))]
[JsonSerializable(typeof(Tokens.SigningKeyDocument))]
[JsonSerializable(typeof(Users.UserDocument))]
[JsonSerializable(typeof(Sessions.SessionDocument))]
[JsonSerializable(typeof(Tokens.RevokedTokenDocument))]
[JsonSerializable(typeof(Tenants.TenantDocument))]
[JsonSerializable(typeof(Roles.RoleDocument))]
[JsonSerializable(typeof(Roles.RoleAssignmentDocument))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
