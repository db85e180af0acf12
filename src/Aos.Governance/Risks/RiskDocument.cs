using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aos.Governance.Risks;

/// <summary>Stores a risk: status and level as lowercase text and the score beside them, so that queries can compare them.</summary>
internal sealed record RiskDocument(
    string Id,
    string Tenant,
    string Title,
    string? Description,
    string? Category,
    int Likelihood,
    int Impact,
    int Score,
    string Level,
    string Owner,
    string Status,
    IReadOnlyList<Mitigation> Mitigations,
    TimeSpan ReviewInterval,
    DateTimeOffset? LastReviewedAt,
    DateTimeOffset NextReviewAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static RiskDocument From(Risk risk) => new(
        risk.Id, risk.Tenant, risk.Title, risk.Description, risk.Category, risk.Likelihood, risk.Impact, risk.Score, Text(risk.Level), risk.Owner,
        Text(risk.Status), risk.Mitigations, risk.ReviewInterval, risk.LastReviewedAt, risk.NextReviewAt, risk.CreatedAt, risk.UpdatedAt);

    public static string Text(RiskLevel level) => level.ToString().ToLowerInvariant();

    public static string Text(RiskStatus status) => status.ToString().ToLowerInvariant();

    public Risk ToRisk(string etag) => new()
    {
        Id = Id,
        Tenant = Tenant,
        Title = Title,
        Description = Description,
        Category = Category,
        Likelihood = Likelihood,
        Impact = Impact,
        Owner = Owner,
        Status = Enum.Parse<RiskStatus>(Status, ignoreCase: true),
        Mitigations = Mitigations,
        ReviewInterval = ReviewInterval,
        LastReviewedAt = LastReviewedAt,
        NextReviewAt = NextReviewAt,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        ETag = etag,
    };

    public JsonElement Serialize() => JsonSerializer.SerializeToElement(this, RiskJsonContext.Default.RiskDocument);

    public static RiskDocument? Deserialize(JsonElement document) => document.Deserialize(RiskJsonContext.Default.RiskDocument);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RiskDocument))]
internal sealed partial class RiskJsonContext : JsonSerializerContext;
