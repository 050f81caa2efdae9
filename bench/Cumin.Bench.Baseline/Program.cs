using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// Usage: Cumin.Bench.Baseline silo <siloPort> <gatewayPort>
//        Cumin.Bench.Baseline api <gatewayPort> <httpPort>       GET /token (a bearer token), GET /things/{id} (authorized)
// scripts/bench.sh starts both next to Cumin for the api benchmark.
var key = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
var port = (int index) => int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture);

if (args is ["silo", _, _])
{
    var silo = Host.CreateApplicationBuilder();
    silo.Logging.SetMinimumLevel(LogLevel.Warning);
    silo.UseOrleans(orleans => orleans.UseLocalhostClustering(port(1), port(2), serviceId: "cumin-baseline", clusterId: "cumin-baseline"));
    await silo.Build().RunAsync();
    return 0;
}

if (args is not ["api", _, _])
{
    Console.Error.WriteLine("usage: Cumin.Bench.Baseline silo <siloPort> <gatewayPort> | api <gatewayPort> <httpPort>");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleansClient(client => client.UseLocalhostClustering(port(1), serviceId: "cumin-baseline", clusterId: "cumin-baseline"));
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
{
    jwt.MapInboundClaims = false;
    jwt.TokenValidationParameters = new TokenValidationParameters { IssuerSigningKey = key, ValidIssuer = "baseline", ValidAudience = "baseline" };
});
builder.Services.AddAuthorization();
var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/token", () => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
{
    Subject = new ClaimsIdentity([new Claim("sub", "baseline-user")]),
    Issuer = "baseline",
    Audience = "baseline",
    Expires = DateTime.UtcNow.AddHours(2),
    SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
}));
app.MapGet("/things/{id}", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
    TypedResults.Ok(await grains.GetGrain<IThingGrain>(id).Get(user.FindFirstValue("sub")!))).RequireAuthorization();
await app.RunAsync($"http://127.0.0.1:{port(2)}");
return 0;

/// <summary>A task-shaped reply, so the JSON written per request is about as large as Cumin's.</summary>
[GenerateSerializer]
internal sealed record Thing(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Description,
    [property: Id(3)] string Status,
    [property: Id(4)] string Priority,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] long Version);

internal interface IThingGrain : IGrainWithStringKey
{
    Task<Thing> Get(string callerId);
}

internal sealed class ThingGrain : Grain, IThingGrain
{
    private readonly DateTimeOffset _created = DateTimeOffset.UtcNow;

    public Task<Thing> Get(string callerId) => Task.FromResult(new Thing(
        this.GetPrimaryKeyString(), "task 1", "Collect the numbers from every team and write the summary.", "todo", "medium", _created, _created, 1));
}
