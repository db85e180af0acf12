using System.Text.Json;
using Aos.Approvals;
using Aos.Conversations;
using Aos.Kernel.Agents;
using Aos.Messaging;
using Aos.Reliability;
using Aos.StateMachines;
using Aos.Workflows;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Aos.Server;

/// <summary>Turns exceptions into RFC 7807 problem details with the status code and message a caller can act on.</summary>
/// <remarks>
/// ASP.NET Core 10 no longer logs an exception an <see cref="IExceptionHandler"/> handled, so the unexpected ones (500) are logged here,
/// and an Orleans message rejection (the grain's node is down and the cluster has not yet declared it dead, or the node is stopping)
/// is a 503 the caller can retry, logged as a warning.
/// </remarks>
internal sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public const string NodeUnavailable = "The node that hosts this part of the cluster did not answer (it may be down or stopping); retry shortly.";

    public const string BodyTooLarge = "The request body is larger than this server accepts (Aos:Kernel:MaxPayloadBytes).";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            AosValidationException { TooLarge: true } e => (StatusCodes.Status413PayloadTooLarge, "Payload too large", e.Message),
            AosValidationException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
            AgentNotFoundException e => (StatusCodes.Status404NotFound, "Agent not found", e.Message),
            Aos.Security.AgentGrantException e => (StatusCodes.Status403Forbidden, "Outside the agent's grants", e.Message),
            Aos.SystemCalls.SystemCallDeniedException e => (StatusCodes.Status403Forbidden, "Denied by policy", e.Message),
            Aos.SystemCalls.SystemCallForbiddenException e => (StatusCodes.Status403Forbidden, "Forbidden", e.Message),
            Aos.SystemCalls.SystemCallHeldException e => (StatusCodes.Status409Conflict, "Held for approval", e.Message),
            MessageNotFoundException e => (StatusCodes.Status404NotFound, "Message not found", e.Message),
            ConversationNotFoundException e => (StatusCodes.Status404NotFound, "Conversation not found", e.Message),
            InboxFullException e => (StatusCodes.Status429TooManyRequests, "Inbox full", e.Message),
            MessageIdTakenException e => (StatusCodes.Status409Conflict, "Message id taken", e.Message),
            RateLimitedException e => (StatusCodes.Status429TooManyRequests, "Too many requests", e.Message),
            OverloadedException e => (StatusCodes.Status503ServiceUnavailable, "Overloaded", e.Message),
            DependencyUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Dependency unavailable", e.Message),
            IdempotencyInProgressException e => (StatusCodes.Status409Conflict, "In progress", e.Message),
            StateMachineNotFoundException e => (StatusCodes.Status404NotFound, "State machine not found", e.Message),
            StateMachineInstanceExistsException e => (StatusCodes.Status409Conflict, "Instance exists", e.Message),
            TransitionRefusedException e => (StatusCodes.Status409Conflict, "Transition refused", e.Message),
            ApprovalNotFoundException e => (StatusCodes.Status404NotFound, "Approval not found", e.Message),
            ApprovalRefusedException e => (StatusCodes.Status409Conflict, "Decision refused", e.Message),
            WorkflowNotFoundException e => (StatusCodes.Status404NotFound, "Workflow not found", e.Message),
            Security.ApiKeyNotFoundException e => (StatusCodes.Status404NotFound, "API key not found", e.Message),
            Aos.Governance.Compliance.ComplianceFrameworkReadOnlyException e => (StatusCodes.Status409Conflict, "Built-in framework", e.Message),
            Aos.Security.Tenants.TenantInUseException e => (StatusCodes.Status409Conflict, "Tenant in use", e.Message),
            Security.TokenRequestException e => (e.Status, "Token request refused", e.Message),
            Aos.Storage.StorageConflictException e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            Aos.Storage.StorageUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable", e.Message),
            WorkflowRunRefusedException e => (StatusCodes.Status409Conflict, "Run refused", e.Message),
            AgentConflictException e => (StatusCodes.Status409Conflict, "Agent exists", e.Message),
            AgentTimeoutException e => (StatusCodes.Status504GatewayTimeout, "Request timed out", e.Message),
            AgentUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Agent unavailable", e.Message),
            TurnTimeoutException e => (StatusCodes.Status500InternalServerError, "Handler timed out", e.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Payload too large", BodyTooLarge),
            BadHttpRequestException e => (e.StatusCode, "Invalid request", Describe(e)),
            JsonException e => (StatusCodes.Status400BadRequest, "Invalid JSON", e.Message),
            AosException e => (StatusCodes.Status500InternalServerError, "Agent error", e.Message),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request", "The client closed the request."),
            OrleansMessageRejectionException => (StatusCodes.Status503ServiceUnavailable, "Node unavailable", NodeUnavailable),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "AOS hit an unexpected error; the server log has the details."),
        };

        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }
        else if (exception is OrleansMessageRejectionException)
        {
            LogNodeUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, FirstLine(exception.Message));
        }

        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (exception is AgentTimeoutException { MessageId: { } messageId })
        {
            problem.Extensions["messageId"] = messageId;
        }

        if (exception is Aos.SystemCalls.SystemCallHeldException { ApprovalId: { } held })
        {
            problem.Extensions["approvalId"] = held;
            httpContext.Response.Headers.Location = $"/v1/approvals/{held}";
        }
        else if (exception is Aos.SystemCalls.SystemCallDeniedException { ApprovalId: { } refusedBy })
        {
            problem.Extensions["approvalId"] = refusedBy;
        }

        if (exception is InboxFullException full)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(full.RetryAfter.TotalSeconds));
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem.Extensions["retryAfterSeconds"] = seconds;
            problem.Extensions["recipient"] = full.Recipient;
        }

        if (RetryAfterOf(exception) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem.Extensions["retryAfterSeconds"] = seconds;
        }

        switch (exception)
        {
            case OverloadedException overloaded:
                problem.Extensions["priority"] = overloaded.Priority.ToString().ToLowerInvariant();
                break;
            case DependencyUnavailableException dependency:
                problem.Extensions["dependency"] = dependency.Dependency;
                break;
        }

        if (exception is TransitionRefusedException refused)
        {
            problem.Extensions["state"] = refused.State;
            problem.Extensions["event"] = refused.Event;
        }

        if (exception is Security.TokenRequestException token)
        {
            problem.Extensions["error"] = token.Error;
        }

        if (exception is AosValidationException { Field: { } field })
        {
            problem.Extensions["field"] = field;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(1, LogLevel.Error, "{Method} {Path} failed with an unexpected error.")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "{Method} {Path}: a node of the cluster did not answer, 503: {Reason}")]
    private static partial void LogNodeUnavailable(ILogger logger, string method, string path, string reason);

    private static TimeSpan? RetryAfterOf(Exception exception) => exception switch
    {
        RateLimitedException e => e.RetryAfter,
        OverloadedException e => e.RetryAfter,
        DependencyUnavailableException { RetryAfter: var wait } when wait > TimeSpan.Zero => wait,
        IdempotencyInProgressException e => e.RetryAfter,
        _ => null,
    };

    // Orleans puts the inner exception's stack trace in the message.
    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r');

    private static string Describe(BadHttpRequestException exception) =>
        exception.InnerException is JsonException json
            ? $"The body is not valid JSON for this request: {json.Message}"
            : exception.Message;
}
