// Settings computed in code are not read; literal strings are.
module.exports = {
  title: "A Docusaurus site",
  url: "https://example.org",
  baseUrl: "/",
  presets: [
    [
      "classic",
      {
        docs: { path: "../docs", routeBasePath: "docs", sidebarPath: require.resolve("./sidebars.js") },
        blog: { showReadingTime: true },
      },
    ],
  ],
};
