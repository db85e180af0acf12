using System.Text.Json;

namespace Aos.Server.Contracts;

/// <summary>Represents a page of agents.</summary>
/// <param name="Items">The agents.</param>
/// <param name="Next">The <c>after</c> value of the next page, or <see langword="null"/> on the last page.</param>
public sealed record AgentListResponse(IReadOnlyList<AgentView> Items, string? Next);

/// <summary>Represents an accepted event.</summary>
/// <param name="MessageId">The event's message id.</param>
/// <param name="Outcome"><c>handled</c>, <c>unhandled</c> or <c>failed</c>.</param>
/// <param name="Error">Why handling failed, when it did.</param>
public sealed record SendEventResponse(string MessageId, string Outcome, string? Error);

/// <summary>Represents a request's reply.</summary>
/// <param name="MessageId">The request's message id.</param>
/// <param name="Reply">The reply payload.</param>
public sealed record SendRequestResponse(string MessageId, JsonElement? Reply);

/// <summary>Represents an agent type this node can run.</summary>
/// <param name="Name">The type name.</param>
/// <param name="Version">The type's version.</param>
/// <param name="Description">What agents of this type do.</param>
public sealed record AgentTypeView(string Name, string Version, string? Description);
