namespace Aos.Security.Tokens;

/// <summary>A stored signing key: a 256-bit HMAC secret with its id, and when it stopped signing.</summary>
internal sealed record SigningKeyDocument(string Kid, string Secret, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);
