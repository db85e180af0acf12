using System.Text.Json.Serialization;

namespace Aos.Security.Tokens;

/// <summary>A stored signing key: a 256-bit HMAC secret with its id, and when it stopped signing.</summary>
internal sealed record SigningKeyDocument(string Kid, string Secret, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SigningKeyDocument))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
