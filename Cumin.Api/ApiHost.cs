using System.Diagnostics;
using Amazon.DynamoDBv2;
using Cumin.Api.Auth;
using Cumin.Api.Comments;
using Cumin.Api.Exports;
using Cumin.Api.Http;
using Cumin.Api.Labels;
using Cumin.Api.Live;
using Cumin.Api.Notifications;
using Cumin.Api.Operations;
using Cumin.Api.ProjectActivity;
using Cumin.Api.Projects;
using Cumin.Api.Tasks;
using Cumin.Api.WebApp;
using Cumin.Api.Webhooks;
using Cumin.ServiceDefaults;
using Cumin.Webhooks;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Npgsql;

namespace Cumin.Api;

/// <summary>How the API is put together; Program.cs and the tests' WebApplicationFactory both go through here.</summary>
public static class ApiHost
{
    public const int MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>How long a stopping API instance lets requests in flight finish (configuration, a TimeSpan).</summary>
    public const string ShutdownTimeoutKey = HostDefaultsExtensions.ShutdownTimeoutKey;

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(25);

    public static WebApplicationBuilder AddCuminApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        Cumin.Users.EmailAddresses.EnsureUnicodeData();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });

        // SIGTERM: Kestrel stops accepting, lets requests in flight finish (the web host stops before the Orleans
        // client, so they can still call grains), then the process exits. The load balancer has deregistered the task
        // before ECS sends SIGTERM; ECS's stopTimeout (deploy/) is longer than DefaultShutdownTimeout.
        builder.AddCuminHostDefaults("cumin-api", DefaultShutdownTimeout);
        // Before that, a proxy's pooled connections are let go of, so no request is written onto one as it closes.
        builder.AddCuminShutdownDrain();
        // Grain calls carry the request's trace context to the silos (and observer calls bring theirs back).
        builder.UseOrleansClient(client => client.UseCuminClustering(configuration).AddActivityPropagation());

        services.ConfigureHttpJsonOptions(json => JsonSetup.Configure(json.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // traceId: the W3C trace id, what a trace viewer and the logs (TraceId) show for this request.
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToHexString() ?? context.HttpContext.TraceIdentifier);
        services.AddSingleton<Microsoft.AspNetCore.Http.IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddValidation();
        services.AddOpenApi(openApi => openApi.AddSchemaTransformer(OpenApiJsonSchemas.Describe).AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = "Cumin API", Version = "v1" };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The access token from POST /auth/login or /auth/refresh.",
            };
            return Task.CompletedTask;
        }));

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section));
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<IOptions<RateLimitOptions>>((limiter, limits) => AuthRateLimits.Configure(limiter, limits.Value));

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => BearerChallenge.Configure(jwt, auth.Value));
        services.AddAuthorization();
        services.AddCuminCors(configuration);

        services.AddOptions<TrustedProxyOptions>().Bind(configuration.GetSection(TrustedProxyOptions.Section));
        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<TrustedProxyOptions>>((forwarded, proxies) => TrustedProxies.Configure(forwarded, proxies.Value));
        // Behind a TLS-terminating proxy a request is HTTPS when the trusted proxy says so (X-Forwarded-Proto).
        services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
        });

        services.AddSingleton(_ => NpgsqlDataSource.Create(
            configuration.GetConnectionString("Postgres") ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set.")));
        services.AddSingleton<IProjectCounts, PostgresProjectCounts>();
        services.AddSingleton<ActivityLog>();
        services.AddSingleton<PostgresWebhookDeliveries>();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName));
        services.AddCuminHealthChecks();

        services.AddSignalR().AddJsonProtocol(json => JsonSetup.Configure(json.PayloadSerializerOptions));
        services.AddOptions<HubConnectionOptions>().Bind(configuration.GetSection(HubConnectionOptions.Section));
        services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        services.AddSingleton<NotificationRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationRelay>());
        services.AddSingleton<ProjectFeedRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<ProjectFeedRelay>());
        services.AddCuminWebApp(configuration);
        return builder;
    }

    public static WebApplication UseCuminApi(this WebApplication app)
    {
        app.UseCuminShutdownDrain();
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            // Only on HTTPS answers, and never for localhost (ASP.NET Core's rules), so plain-HTTP make run is unaffected.
            app.UseHsts();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseCuminWebApp();

        app.MapOpenApi();
        app.MapApiReference();
        app.MapCuminHealth();
        // Every route below reaches a grain or PostgreSQL, so any of them answers 503 with Retry-After when one is away;
        // a route id that is not well formed is a 404 before any handler runs.
        var api = app.MapGroup(string.Empty).ProducesProblem(StatusCodes.Status503ServiceUnavailable).RequireWellFormedRouteIds();
        api.MapAuth();
        api.MapProjects();
        api.MapTasks();
        api.MapLabels();
        api.MapComments();
        api.MapActivity();
        api.MapExports();
        api.MapWebhooks();
        api.MapNotifications();
        return app;
    }
}
