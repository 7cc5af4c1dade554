import type { Conversation, Message, Slack } from '@connectors/slack';
import type { AppStore } from '../store/app-store.ts';
import { type ListingResult, type ListingRunOptions, type ListingSpec, runListing } from '../sync/run-listing.ts';
import { slackChannelRow, slackMessageRow } from './slack-rows.ts';

/** Slack's ts is its own clock: read a minute back so clock skew never loses a message. */
const CLOCK_SKEW_S = 60;

export interface SlackSyncOptions extends ListingRunOptions {
  /** Items per page. Default 200. */
  pageSize?: number;
}

/** Every public channel, and the private ones the bot is in (the whole list each run: it is small). */
export function slackChannelsListing(client: Slack, pageSize = 200): ListingSpec<Conversation> {
  return {
    listing: 'slack:channels',
    label: 'slack channels',
    filter: () => ({}),
    open: (_filter, checkpoint, signal) =>
      client.conversations.list({ types: 'public_channel,private_channel' }, { limit: pageSize, ...(checkpoint ? { checkpoint } : {}), ...(signal ? { signal } : {}) }),
    rows: (channels) => ({ slackChannels: channels.map(slackChannelRow) }),
  };
}

/** A channel's messages since the last run (`oldest`), newest first; a new run reads everything. */
export function slackHistoryListing(client: Slack, channel: { id: string; name: string | null }, pageSize = 200): ListingSpec<Message> {
  return {
    listing: `slack:history:${channel.id}`,
    label: `slack #${channel.name ?? channel.id}`,
    filter: (highWater): Record<string, string> => (highWater === null ? {} : { oldest: String(Math.floor(highWater / 1000) - CLOCK_SKEW_S) }),
    open: (filter, checkpoint, signal) =>
      client.conversations.history({ channel: channel.id, ...filter }, { limit: pageSize, ...(checkpoint ? { checkpoint } : {}), ...(signal ? { signal } : {}) }),
    rows: (messages) => ({ slackMessages: messages.map((message) => slackMessageRow(channel.id, message, 'sync')) }),
  };
}

/**
 * Channels, then the history of each channel the bot is in (archived ones excepted): one listing per
 * channel, each committed page by page with its checkpoint, so an interrupted sync resumes where it stopped.
 */
export async function syncSlack(client: Slack, store: AppStore, options: SlackSyncOptions = {}): Promise<ListingResult[]> {
  const results = [await runListing(store, slackChannelsListing(client, options.pageSize), options)];
  for (const channel of (await store.slackChannels()).filter((c) => c.is_member && !c.is_archived)) {
    results.push(await runListing(store, slackHistoryListing(client, channel, options.pageSize), options));
  }
  return results;
}
