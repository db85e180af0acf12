using System.CommandLine;
using Aos.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos up</c>: runs one AOS node (silo + HTTP API) until Ctrl+C or SIGTERM.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "The data directory (default: .aos in the current directory)." };
        var urls = new Option<string?>("--urls") { Description = $"The URL(s) the HTTP API listens on (default: {AosServer.DefaultUrl})." };
        var command = new Command("up", "Run AOS: one Orleans silo on embedded SQLite plus the HTTP API.") { data, urls };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var app = AosServer.Create([], parseResult.GetValue(data), parseResult.GetValue(urls));
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStarted.Register(() => PrintWelcome(app));
            try
            {
                await app.RunAsync();
            }
            catch (Exception ex) when (ex is IOException or FormatException or OptionsValidationException)
            {
                // A taken port, a malformed --urls or an invalid setting: the message says which; the stack trace would bury it.
                return CommandRunner.Fail($"cannot start AOS: {ex.Message}", ExitCodes.Usage);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrintWelcome(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? AosServer.DefaultUrl;
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Aos.Hosting.AosOptions>>().Value;
        Console.WriteLine($$"""
            AOS is up.
              API:      {{address}}/v1
              OpenAPI:  {{address}}/openapi/v1.json
              Health:   {{address}}/readyz
              Data:     {{options.GetDataDirectoryPath()}}
              API key:  {{Aos.Security.ApiKeys.AdminKeyFile.PathIn(options.GetDataDirectoryPath())}} (admin; every route but health needs a key)

            Try:
              aos agents types
              aos agents register --id greeter --type echo
              aos agents request greeter hello --payload '{"name":"Ada"}'
              aos agents list

            Press Ctrl+C to stop.
            """);
    }
}
