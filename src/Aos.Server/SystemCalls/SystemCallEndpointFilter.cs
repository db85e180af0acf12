using System.IO.Pipelines;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.SystemCalls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Server.SystemCalls;

/// <summary>Passes every changing HTTP route through the system-call pipeline: the route's handler is the call's operation.</summary>
/// <remarks>
/// The call's payload is the request body's <c>payload</c> field when it has one (a message), otherwise the whole body. When policy
/// redacts it, the handler gets the body with the fields removed. Routes that only read are not system calls and pass untouched.
/// </remarks>
internal static class SystemCallEndpointFilter
{
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var services = factory.ApplicationServices;
        var invoker = services.GetRequiredService<ISystemCallInvoker>();
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var isService = services.GetService<IServiceProviderIsService>();
        var bodyIndex = Array.FindIndex(factory.MethodInfo.GetParameters(), p => IsBody(p, isService));
        return async invocation =>
        {
            if (!HttpSystemCalls.IsSystemCall([invocation.HttpContext.Request.Method]))
            {
                return await next(invocation).ConfigureAwait(false);
            }

            var body = bodyIndex >= 0 ? invocation.Arguments[bodyIndex] : null;
            var (payload, inner) = PayloadOf(body, json);
            var call = HttpSystemCalls.Describe(invocation.HttpContext, payload, authorizer: null, body);
            return await invoker.InvokeAsync(
                call,
                async (c, _) =>
                {
                    if (body is not null && c.Payload is { } redacted && c.Annotations.ContainsKey("redacted"))
                    {
                        invocation.Arguments[bodyIndex] = Rebuild(body, redacted, inner, json);
                    }

                    return await next(invocation).ConfigureAwait(false);
                },
                invocation.HttpContext.RequestAborted).ConfigureAwait(false);
        };
    }

    private static (JsonElement? Payload, bool Inner) PayloadOf(object? body, JsonSerializerOptions json)
    {
        if (body is null)
        {
            return (null, false);
        }

        var element = body as JsonElement? ?? JsonSerializer.SerializeToElement(body, body.GetType(), json);
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty("payload", out var inner) ? (inner, true) : (element, false);
    }

    private static object Rebuild(object body, JsonElement redacted, bool inner, JsonSerializerOptions json)
    {
        if (!inner)
        {
            return body is JsonElement ? redacted : redacted.Deserialize(body.GetType(), json)!;
        }

        var node = JsonSerializer.SerializeToNode(body, body.GetType(), json)!;
        node["payload"] = JsonNode.Parse(redacted.GetRawText());
        return body is JsonElement ? JsonSerializer.SerializeToElement(node, json) : node.Deserialize(body.GetType(), json)!;
    }

    private static bool IsBody(ParameterInfo parameter, IServiceProviderIsService? isService)
    {
        if (parameter.GetCustomAttributes().Any(a => a is IFromBodyMetadata))
        {
            return true;
        }

        if (parameter.GetCustomAttributes().Any(a => a is IFromServiceMetadata or FromKeyedServicesAttribute or IFromRouteMetadata or IFromQueryMetadata or IFromHeaderMetadata or IFromFormMetadata))
        {
            return false;
        }

        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (type == typeof(JsonElement))
        {
            return true;
        }

        return !(type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(TimeSpan)
            || type == typeof(CancellationToken) || type == typeof(ClaimsPrincipal) || type == typeof(HttpContext) || type == typeof(HttpRequest)
            || type == typeof(HttpResponse) || typeof(Stream).IsAssignableFrom(type) || type == typeof(PipeReader) || typeof(IFormFile).IsAssignableFrom(type)
            || type.IsArray && type.GetElementType() == typeof(string)
            || isService?.IsService(parameter.ParameterType) == true);
    }
}
