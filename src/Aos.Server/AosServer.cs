using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Aos.Agents;
using Aos.Hosting;
using Aos.Kernel;
using Aos.Reliability;
using Aos.Security.ApiKeys;
using Aos.Security.Roles;
using Aos.Security.Sessions;
using Aos.Security.Tenants;
using Aos.Security.Tokens;
using Aos.Security.Users;
using Aos.Server.Endpoints;
using Aos.Server.Security;
using Aos.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Aos.Server;

/// <summary>Builds and maps the AOS HTTP host: REST API under <c>/v1</c>, health, OpenAPI, problem details, API-key authentication and RBAC.</summary>
public static class AosServer
{
    /// <summary>Gets the configuration key of how many token requests one client address may make in a minute.</summary>
    public const string TokenRequestsPerMinuteKey = "Aos:Auth:TokenRequestsPerMinute";

    /// <summary>Gets the address the server listens on when none is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Creates a web application that runs an AOS node with its HTTP API.</summary>
    /// <param name="args">Command-line arguments for the host's configuration.</param>
    /// <param name="dataDirectory">The data directory, or <see langword="null"/> for the configured one (default <c>.aos</c>).</param>
    /// <param name="urls">The URLs to listen on, or <see langword="null"/> for <see cref="DefaultUrl"/>.</param>
    /// <param name="configure">Adds agent types or services before the application is built.</param>
    /// <returns>The application, mapped and ready to run.</returns>
    public static WebApplication Create(string[] args, string? dataDirectory = null, string? urls = null, Action<IAosBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddAosConfiguration(dataDirectory);

        // Orleans and ASP.NET Core are chatty at Information; Logging:LogLevel in aos.json overrides these.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // Orleans' placement resilience pipeline logs two lines per grain placement at Information under Polly's own category.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.WebHost.UseUrls(urls ?? builder.Configuration["urls"] ?? DefaultUrl);
        var aos = builder.AddAos(o =>
        {
            if (dataDirectory is not null)
            {
                o.DataDirectory = dataDirectory;
            }
        });
        builder.AddAosServer();
        configure?.Invoke(aos);
        var app = builder.Build();
        app.MapAos();
        return app;
    }

    /// <summary>Adds the services of the HTTP API: JSON options, problem details, OpenAPI, body size limits.</summary>
    /// <param name="builder">The web application builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static WebApplicationBuilder AddAosServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Kestrel refuses an oversized body before the endpoint runs, so no exception reaches the exception handler.
            if (context.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge && context.ProblemDetails.Detail is null)
            {
                context.ProblemDetails.Detail = ProblemDetailsExceptionHandler.BodyTooLarge;
            }
        });
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.TryAddSingleton(static sp => new RoleCatalog(sp.GetRequiredService<StorageCatalog>()));
        builder.Services.TryAddSingleton(static sp => new TenantService(sp.GetRequiredService<StorageCatalog>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<RoleCatalog>()));
        builder.Services.TryAddSingleton(static sp => new RoleService(
            sp.GetRequiredService<StorageCatalog>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<TenantService>(), sp.GetRequiredService<RoleCatalog>()));
        var roleCatalogRefresh = builder.Configuration.GetValue(RoleCatalogRefresher.IntervalKey, RoleCatalogRefresher.DefaultInterval);
        if (roleCatalogRefresh <= TimeSpan.Zero)
        {
            throw new AosValidationException($"{RoleCatalogRefresher.IntervalKey} is {roleCatalogRefresh}; use a positive time span such as 00:00:05 (the default).") { Field = RoleCatalogRefresher.IntervalKey };
        }

        builder.Services.AddHostedService(sp => new RoleCatalogRefresher(
            sp.GetRequiredService<RoleCatalog>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, roleCatalogRefresh, sp.GetRequiredService<ILogger<RoleCatalogRefresher>>()));
        builder.Services.TryAddSingleton(static sp => new ApiKeyService(sp.GetRequiredService<StorageCatalog>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<RoleService>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentDeletionParticipant, AgentCredentialRevoker>());
        var tokenOptions = new AccessTokenOptions();
        builder.Configuration.GetSection(AccessTokenOptions.SectionName).Bind(tokenOptions);
        builder.Services.TryAddSingleton(sp => new AccessTokenService(sp.GetRequiredService<StorageCatalog>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, tokenOptions));
        var passwordOptions = new PasswordOptions();
        builder.Configuration.GetSection(PasswordOptions.SectionName).Bind(passwordOptions);
        builder.Services.TryAddSingleton(sp => new UserService(sp.GetRequiredService<StorageCatalog>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, passwordOptions, sp.GetRequiredService<RoleService>()));
        var sessionOptions = new SessionLifetimeOptions();
        builder.Configuration.GetSection(SessionLifetimeOptions.SectionName).Bind(sessionOptions);
        builder.Services.TryAddSingleton(sp => new SessionService(
            sp.GetRequiredService<StorageCatalog>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sessionOptions, sp.GetRequiredService<AccessTokenService>(), sp.GetRequiredService<UserService>()));
        builder.Services.AddHostedService(sp => new SessionPurger(
            sp.GetRequiredService<SessionService>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sessionOptions.PurgeInterval, sp.GetRequiredService<ILogger<SessionPurger>>()));
        builder.Services.AddHostedService<AdminKeyBootstrap>();
        var tokenRequestsPerMinute = builder.Configuration.GetValue(TokenRequestsPerMinuteKey, 30);
        if (tokenRequestsPerMinute < 1)
        {
            throw new AosValidationException($"{TokenRequestsPerMinuteKey} is {tokenRequestsPerMinute}; use 1 or more (the default is 30).") { Field = TokenRequestsPerMinuteKey };
        }

        builder.Services.AddRateLimiter(o =>
        {
            // Credential endpoints are rate-limited per client address, so guessing keys is slow and a flood cannot starve the node.
            o.AddPolicy(AuthEndpoints.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = tokenRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;

                // The per-principal limit's refusal says which principal and limit; the credential policy's says the client sent too many.
                var principalLimit = context.Lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) ? reason : null;
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = principalLimit ?? $"This client sent more than {tokenRequestsPerMinute} credential requests in a minute ({TokenRequestsPerMinuteKey}); retry after {retryAfter} s.",
                        Extensions = { ["retryAfterSeconds"] = retryAfter },
                    },
                });
            };
        });

        // Every authenticated caller of /v1 has its own token bucket (Aos:Reliability:RateLimits; 100 requests/s, bursts of 200 by default).
        builder.Services.AddOptions<RateLimiterOptions>().Configure<PrincipalRateLimiter>(static (o, limiter) => o.GlobalLimiter = limiter.CreateLimiter<HttpContext>(
            static context => context.Request.Path.StartsWithSegments("/v1") && context.User.Identity?.IsAuthenticated == true ? Callers.IdOf(context.User) : null));
        builder.Services.AddAosBearerAuthentication(builder.Configuration, tokenOptions);
        builder.Services.AddAuthorization(o =>
        {
            // A route that names no permission still needs valid credentials; /healthz and /readyz opt out.
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        builder.Services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        builder.Services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        builder.Services.AddSingleton(static sp => new StorageReadiness(sp.GetServices<Aos.Storage.IStorageProvider>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));

        var kernel = new KernelOptions();
        builder.Configuration.GetSection(KernelOptions.SectionName).Bind(kernel);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = kernel.MaxPayloadBytes + (64 * 1024));
        return builder;
    }

    /// <summary>Maps health, OpenAPI (<c>/openapi/v1.json</c>) and the <c>/v1</c> resources.</summary>
    /// <param name="app">The web application.</param>
    /// <returns>The application, for chaining.</returns>
    public static WebApplication MapAos(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapHealthEndpoints();

        // Every route that changes something is a system call: it passes the pipeline (authorization, policy, audit, telemetry).
        var api = app.MapGroup(string.Empty).AddEndpointFilterFactory(SystemCalls.SystemCallEndpointFilter.Create);
        api.MapAgentEndpoints();
        api.MapMessageEndpoints();
        api.MapStateMachineEndpoints();
        api.MapApprovalEndpoints();
        api.MapWorkflowEndpoints();
        api.MapBackupEndpoints();
        api.MapApiKeyEndpoints();
        api.MapAuthEndpoints();
        api.MapSessionEndpoints();
        api.MapUserEndpoints();
        api.MapTenantEndpoints();
        api.MapRoleEndpoints();
        api.MapComplianceEndpoints();
        api.MapGovernanceEndpoints();
        return app;
    }
}
