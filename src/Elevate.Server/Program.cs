using Elevate.Server.Hosting;

// The content root is where Elevate's files ship (appsettings.json beside the binaries), wherever it is started from;
// relative paths in its configuration, such as the data directory, are relative to the working directory instead.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddElevate();
var app = builder.Build();
app.UseElevate();
app.Run();

/// <summary>The entry point; public so tests can host it.</summary>
public partial class Program;
