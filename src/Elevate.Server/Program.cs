using Elevate.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddElevate();
var app = builder.Build();
app.UseElevate();
app.Run();

/// <summary>The entry point; public so tests can host it.</summary>
public partial class Program;
