import feedPlugin from "./config/feed.js";
import markdownPlugin from "./config/markdown.js";
import { InputPathToUrlTransformPlugin } from "@11ty/eleventy";

export default function (eleventyConfig) {
	eleventyConfig.addPlugin(feedPlugin);
	eleventyConfig.addPlugin(markdownPlugin);
	eleventyConfig.addPlugin(InputPathToUrlTransformPlugin);
}

export const config = {
	dir: { input: "src" },
};
