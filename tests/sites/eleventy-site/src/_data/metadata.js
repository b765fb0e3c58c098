export default {
	title: "Sitename",
	url: "https://www.sitename.dev",
};
