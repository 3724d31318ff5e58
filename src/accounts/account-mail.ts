import { SystemMail } from '../outbound/system-mail.service';

/** The invitation: who invites to what, and the link that sets the password. */
export function invitationMail(input: { to: string; name: string; workspace: string; link: string }): SystemMail {
  return {
    to: input.to,
    subject: `You are invited to ${input.workspace} on Inbound`,
    text: [
      `Hello ${input.name},`,
      '',
      `You have been invited to ${input.workspace} on Inbound, the helpdesk.`,
      'Choose your password here (the link works for 7 days, once):',
      '',
      input.link,
      '',
      'If you did not expect this invitation, ignore this mail.',
    ].join('\n'),
  };
}

export function passwordResetMail(input: { to: string; name: string; link: string }): SystemMail {
  return {
    to: input.to,
    subject: 'Reset your Inbound password',
    text: [
      `Hello ${input.name},`,
      '',
      'Someone (we hope you) asked to reset your Inbound password. Choose a new one here',
      '(the link works for one hour, once; it signs you out everywhere else):',
      '',
      input.link,
      '',
      'If you did not ask, ignore this mail: your password stays as it is.',
    ].join('\n'),
  };
}
