import { list } from './list.ts';

// Given names and family names for the demo's people, grouped loosely by
// where a family's names often come from, so that most people's two names
// belong together while the staff as a whole reflect the mix of people
// working in the UK. Every name here is common; no person is meant.

export interface NameGroup {
  /** Roughly how many in a hundred demo people draw from this group. */
  weight: number;
  givenNames: readonly string[];
  familyNames: readonly string[];
}

const britishAndIrish: NameGroup = {
  weight: 72,
  givenNames: list(`
    Oliver, Amelia, Jack, Olivia, Harry, Isla, George, Ava, Charlie, Emily,
    Thomas, Sophie, James, Grace, William, Lucy, Daniel, Chloe, Samuel, Ella,
    Joseph, Hannah, Matthew, Jessica, Ryan, Rebecca, Luke, Laura, Adam, Sarah,
    Benjamin, Rachel, Callum, Megan, Liam, Niamh, Owen, Ffion, Rhys, Cerys,
    Dylan, Eilidh, Euan, Catriona, Ciaran, Aoife, Sean, Siobhan, Gareth,
    Bethan, David, Helen, Paul, Karen, Mark, Claire, Stephen, Joanne, Andrew,
    Nicola, Peter, Susan, Michael, Alison, Richard, Fiona, Christopher,
    Kirsty, Robert, Gemma, Alan, Lorna, Graham, Morag, Kevin, Jane, Ian,
    Margaret, Neil, Deborah, Simon, Elaine, Martin, Tracey, Hamish, Moira,
    Declan, Orla, Padraig, Roisin, Alex, Sam, Jordan, Robin
  `),
  familyNames: list(`
    Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas,
    Roberts, Johnson, Lewis, Walker, Robinson, Wood, Thompson, White, Watson,
    Jackson, Wright, Green, Harris, Cooper, King, Lee, Martin, Clarke, James,
    Morgan, Hughes, Edwards, Hill, Moore, Clark, Harrison, Scott, Young,
    Morris, Hall, Ward, Turner, Carter, Phillips, Mitchell, Campbell, Stewart,
    MacDonald, Robertson, Murray, Reid, Fraser, Henderson, Ross, Paterson,
    Graham, Hamilton, Kerr, Gallagher, O'Brien, Byrne, Murphy, Kelly,
    O'Connor, Doherty, McLaughlin, Quinn, Kennedy, Llewellyn, Pritchard, Rees,
    Howells, Griffiths, Powell, Bevan, Fletcher, Barker, Chapman, Holmes,
    Lloyd, Marshall, Parry, Ellis, Bennett, Shaw, Hunt, Baxter, Dawson,
    Atkinson, Pearson, Sinclair
  `),
};

const southAsian: NameGroup = {
  weight: 10,
  givenNames: list(`
    Aarav, Priya, Arjun, Ananya, Rohan, Sanjana, Vikram, Deepa, Rajesh,
    Sunita, Amit, Kavita, Harpreet, Gurpreet, Jaspreet, Manpreet, Mohammed,
    Ayesha, Imran, Fatima, Bilal, Zainab, Usman, Sana, Tariq, Nadia, Farhan,
    Rukhsana, Shahid, Nusrat, Rahim, Taslima, Anwar, Nikhil, Meera, Sunil,
    Lakshmi, Kiran, Neha, Ravi
  `),
  familyNames: list(`
    Patel, Shah, Sharma, Singh, Kaur, Gill, Sandhu, Sidhu, Dhillon, Kumar,
    Gupta, Mistry, Chauhan, Khan, Hussain, Ahmed, Ali, Iqbal, Akhtar, Malik,
    Mahmood, Rahman, Begum, Chowdhury, Uddin, Miah, Islam, Bhatti, Nair,
    Menon, Reddy, Joshi, Desai, Mehta, Rao
  `),
};

const africanAndCaribbean: NameGroup = {
  weight: 5,
  givenNames: list(`
    Kwame, Ama, Kofi, Abena, Chidi, Ngozi, Emeka, Adaeze, Tunde, Funmilayo,
    Oluwaseun, Yetunde, Femi, Chiamaka, Obinna, Amara, Tendai, Nyasha, Abdi,
    Hodan, Jermaine, Shanice, Marcus, Tanisha, Delroy, Marcia, Winston,
    Paulette, Andre, Keisha, Ifeoma, Kojo
  `),
  familyNames: list(`
    Mensah, Owusu, Boateng, Asante, Adeyemi, Okafor, Okonkwo, Adebayo,
    Oyelaran, Nwosu, Eze, Balogun, Afolabi, Mwangi, Otieno, Kamau, Moyo,
    Ncube, Abdullahi, Warsame, Francis, Samuels, Bailey, Grant, Forbes,
    Gordon, Henry, Lindo
  `),
};

const eastAsian: NameGroup = {
  weight: 3,
  givenNames: list(`
    Wei, Mei, Jun, Hao, Xin, Yan, Ming, Ka-Wai, Siu-Ming, Thanh, Linh, Minh,
    Anh, Hiroshi, Yuki, Ji-woo, Min-jun, Rizal, Angelica, Jose, Maricel, Kenji
  `),
  familyNames: list(`
    Chen, Wang, Li, Zhang, Liu, Wong, Chan, Cheung, Leung, Lam, Ng, Tan, Lim,
    Nguyen, Tran, Pham, Kim, Park, Santos, Reyes, Cruz, Tanaka, Sato
  `),
};

const centralAndEasternEuropean: NameGroup = {
  weight: 4,
  givenNames: list(`
    Piotr, Anna, Katarzyna, Tomasz, Agnieszka, Marek, Magdalena, Łukasz,
    Zofia, Paweł, Andrei, Elena, Mihai, Ioana, Darius, Rūta, Jonas, Inga,
    Kristina, Oksana, Taras, Milan, Jana, Bogdan
  `),
  familyNames: list(`
    Nowak, Kowalczyk, Wójcik, Kaczmarek, Mazur, Krawczyk, Zając, Popescu,
    Ionescu, Stan, Horvat, Novak, Kovač, Shevchenko, Bondarenko, Kovalenko,
    Dvořák, Marinov, Petrov
  `),
};

const middleEasternAndNorthAfrican: NameGroup = {
  weight: 3,
  givenNames: list(`
    Omar, Layla, Youssef, Amira, Karim, Yasmin, Hassan, Mariam, Khalid, Noor,
    Samir, Leila, Dalia, Rami, Hana, Nabil, Rania, Mehmet, Elif, Emre, Zeynep,
    Dariush, Reza, Parisa, Shirin
  `),
  familyNames: list(`
    Haddad, Mansour, Nasser, Khalil, Saleh, Farouk, Aziz, Hamdan, Darwish,
    Yilmaz, Demir, Kaya, Çelik, Öztürk, Hosseini, Karimi, Rahimi, Tehrani,
    Benali, El-Amin
  `),
};

const westernAndSouthernEuropean: NameGroup = {
  weight: 3,
  givenNames: list(`
    Giulia, Marco, Francesca, Luca, Sofia, Alessandro, Chiara, João, Inês,
    Pedro, Beatriz, Carlos, Lucía, Javier, Zoë, Chloé, Émile, Mathilde, Lars,
    Ingrid, Sven, Freya
  `),
  familyNames: list(`
    Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Silva, Ferreira,
    Pereira, Costa, García, Fernández, López, Martínez, Dubois, Moreau,
    Lefèvre, Müller, Schmidt, Becker, Jensen, Larsen, Andersson, De Vries,
    Van den Berg
  `),
};

export const NAME_GROUPS: readonly NameGroup[] = [
  britishAndIrish,
  southAsian,
  africanAndCaribbean,
  eastAsian,
  centralAndEasternEuropean,
  middleEasternAndNorthAfrican,
  westernAndSouthernEuropean,
];
