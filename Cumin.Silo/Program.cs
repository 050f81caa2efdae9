using Cumin.ServiceDefaults;
using Orleans.Dashboard;

namespace Cumin.Silo;

/// <summary>The silo process: Orleans with Cumin's grains and providers, plus /health/live and the dashboard over HTTP.</summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // SIGTERM (docker stop, ECS) runs Orleans's graceful shutdown: the silo leaves the membership table,
        // deactivates its grains and hands the directory over. Give it time; ECS's stopTimeout must be longer.
        builder.AddCuminHostDefaults("cumin-silo", SiloHost.DefaultShutdownTimeout);
        builder.UseOrleans(silo => silo.AddCuminSilo(builder.Configuration));
        builder.Services.AddHealthChecks();

        var app = builder.Build();
        app.MapHealthChecks("/health/live");
        // Off unless asked for, as SiloOptions.Dashboard (which decides whether AddCuminSilo adds the dashboard's services).
        if (builder.Configuration.GetValue<bool>($"{SiloOptions.Section}:Dashboard"))
        {
            app.MapOrleansDashboard("/dashboard");
        }

        await app.RunAsync();
    }
}
