using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps the governance resources: <c>/v1/audit</c>, <c>/v1/policies</c>, <c>/v1/risks</c> and <c>/v1/decisions</c>.</summary>
internal static partial class GovernanceEndpoints
{
    public static IEndpointRouteBuilder MapGovernanceEndpoints(this IEndpointRouteBuilder app)
    {
        MapAudit(app);
        MapPolicies(app);
        MapRisks(app);
        MapDecisions(app);
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    private static T ParseEnum<T>(string? text, string field)
        where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text![0])
            ? value
            : throw new AosValidationException(
                $"'{text}' is not a {field}: use one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.") { Field = field };

    private static DateTimeOffset? ParseTime(string? text, string field) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw new AosValidationException($"'{text}' is not a time: write it in ISO 8601, for instance 2026-11-30T09:00:00Z.") { Field = field };

    private static TimeSpan? ParseDuration(string? text, string field) =>
        text is null ? null
        : Kernel.Durations.TryParse(text, out var duration) ? duration
        : throw new AosValidationException($"'{text}' is not a duration: write it as {Kernel.Durations.Forms}.") { Field = field };
}
